using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Conformance.Tests;

/// <summary>
/// One in-memory DuckDB shared by the tests of a class (they run one after another), so each test pays only for its table.
/// </summary>
public sealed class EngineFixture : IDisposable
{
    public DuckDbEngine Engine { get; } = new();

    public void Dispose() => Engine.Dispose();
}

/// <summary>A table of the conformance data opened in place, read with the class's DuckDB.</summary>
public sealed class ConformanceTable
{
    public ConformanceTable(string tableFolder, DuckDbEngine engine)
    {
        Folder = tableFolder;
        Engine = engine;
        Store = new LocalObjectStore(tableFolder);
        Table = new DeltaTable(Store, new DuckDbCheckpointFormat(Engine));
    }

    public string Folder { get; }

    public DuckDbEngine Engine { get; }

    public LocalObjectStore Store { get; }

    public DeltaTable Table { get; }

    /// <summary>The scan of <paramref name="snapshot"/> with every column cast to the schema's DuckDB type.</summary>
    public async Task<string> ScanAsync(Snapshot snapshot)
    {
        var scan = await SnapshotScan.BuildAsync(Engine, Store, snapshot);
        return $"SELECT {CastToSchema(snapshot)} FROM ({scan}) AS scan";
    }

    /// <summary>
    /// Asserts that the scan of <paramref name="snapshot"/> has the schema's column names and types, and the same
    /// multiset of rows as <paramref name="expectedFiles"/> (both sides cast to the schema's types, compared with
    /// EXCEPT ALL both ways, so duplicates count).
    /// </summary>
    public async Task AssertContentAsync(Snapshot snapshot, IReadOnlyList<string> expectedFiles, string label,
        IReadOnlyDictionary<string, string>? expectedCorrections = null)
    {
        var scan = await SnapshotScan.BuildAsync(Engine, Store, snapshot);
        await AssertScanTypesAsync(snapshot, scan, label);

        var columns = CastToSchema(snapshot);
        await Engine.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE actual AS SELECT {columns} FROM ({scan}) AS scan");
        Assert.NotEmpty(expectedFiles);
        var expectedSource = $"read_parquet({Sql.StringList(expectedFiles)}, union_by_name = true)";
        // A column the schema lost would otherwise go unnoticed: the expected files must have exactly the schema's columns.
        var expectedColumns = (await Engine.DescribeAsync($"SELECT * FROM {expectedSource}")).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expectedColumns, snapshot.Schema.Fields.Select(f => f.Name).Order(StringComparer.Ordinal));
        await Engine.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE expected AS SELECT {CastToSchema(snapshot, expectedCorrections)} FROM {expectedSource} AS e");

        var counts = await Engine.QueryAsync(
            "SELECT (SELECT count(*) FROM actual), (SELECT count(*) FROM expected), " +
            "(SELECT count(*) FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected)), " +
            "(SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual))");
        var row = counts.Rows[0].Select(Convert.ToInt64).ToArray();
        if (row[0] == row[1] && row[2] == 0 && row[3] == 0)
        {
            // When every file has stats (JSON, or stats_parsed in a checkpoint), their row counts must add up too.
            Assert.True(snapshot.TotalRows is null || snapshot.TotalRows == row[1], $"{label}: file stats count {snapshot.TotalRows} rows, expected {row[1]}.");
            return;
        }

        var extra = await SampleAsync("SELECT * FROM actual EXCEPT ALL SELECT * FROM expected");
        var missing = await SampleAsync("SELECT * FROM expected EXCEPT ALL SELECT * FROM actual");
        Assert.Fail($"{label}: read {row[0]} rows, expected {row[1]}; {row[2]} read rows are not expected, {row[3]} expected rows were not read.\n" +
            $"  read but not expected: {extra}\n  expected but not read: {missing}");
    }

    // The scan's contract: exactly the schema's columns, in order, with the schema's DuckDB types.
    private async Task AssertScanTypesAsync(Snapshot snapshot, string scan, string label)
    {
        var declared = await Engine.DescribeAsync("SELECT " + string.Join(", ", snapshot.Schema.Fields.Select(f =>
            $"CAST(NULL AS {TypeMapping.ToDuckDb(f.Type, f.Name)}) AS {Sql.Identifier(f.Name)}")));
        var produced = await Engine.DescribeAsync(scan);
        Assert.True(declared.SequenceEqual(produced),
            $"{label}: the scan's columns differ from the schema.\n  schema: {string.Join(", ", declared)}\n  scan:   {string.Join(", ", produced)}");
    }

    private async Task<string> SampleAsync(string sql)
    {
        var rows = await Engine.QueryAsync($"SELECT CAST(r AS VARCHAR) FROM ({sql}) AS r LIMIT 5");
        return string.Join("; ", rows.Rows.Select(r => r[0]));
    }

    private static string CastToSchema(Snapshot snapshot, IReadOnlyDictionary<string, string>? corrections = null)
        => string.Join(", ", snapshot.Schema.Fields.Select(f =>
            $"CAST({(corrections?.GetValueOrDefault(f.Name) ?? Sql.Identifier(f.Name))} AS {TypeMapping.ToDuckDb(f.Type, f.Name)}) AS {Sql.Identifier(f.Name)}"));

    /// <summary>The Parquet files of an expected-results folder (Spark's _SUCCESS and .crc sidecars are not data).</summary>
    public static IReadOnlyList<string> ParquetFiles(string folder)
        => Directory.EnumerateFiles(folder, "*.parquet").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
}
