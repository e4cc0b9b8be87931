using System.Globalization;
using Cdp.Engine;
using Cdp.Lake;

namespace Cdp.Cli.Tests.Support;

/// <summary>Reads a table's state the way a user would see it: the log on disk, the files, the rows through DuckDB.</summary>
public static class TableState
{
    /// <summary>Versions of the commit files in <c>_delta_log</c>, sorted.</summary>
    public static List<long> CommitVersions(string table)
    {
        var log = Path.Combine(table, "_delta_log");
        if (!Directory.Exists(log)) return [];
        return Directory.EnumerateFiles(log, "*.json")
            .Select(Path.GetFileName)
            .Where(n => n!.Length == 25 && n.Take(20).All(char.IsAsciiDigit))
            .Select(n => long.Parse(n![..20], CultureInfo.InvariantCulture))
            .Order()
            .ToList();
    }

    /// <summary>Every file under a folder (relative paths, sorted); empty when the folder does not exist.</summary>
    public static List<string> Files(string folder)
        => Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Data files under a table folder: Parquet outside hidden folders (<c>_delta_log</c>, <c>.cdp-staging</c> where a
    /// killed writer may leave a half-written file).
    /// </summary>
    public static List<string> DataFiles(string table)
        => Files(table).Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)
            && !f.Split(Path.DirectorySeparatorChar).Any(s => s.StartsWith('.') || s.StartsWith('_'))).ToList();

    /// <summary>Runs <paramref name="sql"/> with a snapshot of the table available as <c>t</c>.</summary>
    public static async Task<IReadOnlyList<object?[]>> QueryAsync(string table, string sql, long? version = null)
    {
        await using var lake = new LakeSession();
        var snapshot = await lake.SnapshotAsync(table, version);
        var scan = await lake.ScanAsync(table, snapshot);
        return (await lake.Engine.QueryAsync($"WITH t AS ({scan}) {sql}")).Rows;
    }

    /// <summary>The table's <c>id</c> column, sorted (duplicates kept).</summary>
    public static async Task<List<long>> IdsAsync(string table, long? version = null)
        => (await QueryAsync(table, "SELECT id FROM t ORDER BY id", version)).Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToList();

    public static async Task<long> CountAsync(string table, long? version = null)
        => Convert.ToInt64((await QueryAsync(table, "SELECT count(*) FROM t", version))[0][0], CultureInfo.InvariantCulture);

    /// <summary>Rows of a Parquet file, read by DuckDB.</summary>
    public static async Task<long> ParquetRowsAsync(string path)
    {
        await using var engine = new DuckDbEngine();
        var r = await engine.QueryAsync($"SELECT count(*) FROM read_parquet({Sql.Literal(path)})");
        return Convert.ToInt64(r.Scalar, CultureInfo.InvariantCulture);
    }

    public static async Task<List<long>> ParquetIdsAsync(string path)
    {
        await using var engine = new DuckDbEngine();
        var r = await engine.QueryAsync($"SELECT id FROM read_parquet({Sql.Literal(path)}) ORDER BY id");
        return r.Rows.Select(x => Convert.ToInt64(x[0], CultureInfo.InvariantCulture)).ToList();
    }
}
