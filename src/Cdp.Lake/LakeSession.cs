using Cdp.Delta;
using Cdp.Delta.Transactions;
using Cdp.Engine;
using Cdp.Lake.Storage;
using Cdp.Storage;

namespace Cdp.Lake;

/// <summary>
/// The lake operations the CLI and jobs use, over one embedded DuckDB engine: open tables by URI, append files,
/// export snapshots, describe, history, vacuum, and expose every table of a lake to SQL as <c>zone.table</c>.
/// </summary>
public sealed class LakeSession : IAsyncDisposable
{
    private readonly Func<string, IObjectStore> _resolve;

    public LakeSession(DuckDbEngine? engine = null, Func<string, IObjectStore>? resolve = null)
    {
        Engine = engine ?? new DuckDbEngine();
        Writer = new DeltaWriter(Engine);
        Checkpoints = new DuckDbCheckpointFormat(Engine);
        _resolve = resolve ?? ObjectStoreResolver.Resolve;
    }

    public DuckDbEngine Engine { get; }

    public DeltaWriter Writer { get; }

    public DuckDbCheckpointFormat Checkpoints { get; }

    /// <summary>The object store holding a URI (a table, or a whole lake).</summary>
    public IObjectStore Store(string uri) => _resolve(uri);

    /// <summary>The table at a URI (which need not exist yet).</summary>
    public DeltaTable OpenTable(string tableUri) => new(_resolve(tableUri), Checkpoints);

    /// <summary>Appends a CSV, JSON-lines or Parquet file to a table, creating the table when absent.</summary>
    public async Task<WriteResult> AppendFileAsync(string tableUri, string inputPath, InputFormat format = InputFormat.Auto, WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(inputPath)) throw new LakeException($"Input file '{inputPath}' does not exist.");
        // DuckDB reads an empty file as one placeholder column ("column0", "json"), which would be added to the table.
        if (new FileInfo(inputPath).Length == 0) throw new LakeException($"Input file '{inputPath}' is empty: it has no header and no rows.");
        var resolved = InputFormats.Resolve(inputPath, format);
        var source = $"SELECT * FROM {InputFormats.Reader(Path.GetFullPath(inputPath), resolved)}";
        var table = OpenTable(tableUri);
        try
        {
            return await Writer.WriteAsync(table, source, WriteMode.Append, options, cancellationToken).ConfigureAwait(false);
        }
        catch (SqlEngineException e)
        {
            throw new LakeException($"Cannot read input file '{inputPath}' as {resolved}: {e.Message}", e);
        }
    }

    /// <summary>Loads the latest snapshot, or the one at a version or timestamp.</summary>
    public async Task<Snapshot> SnapshotAsync(string tableUri, long? version = null, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        if (version is not null && timestamp is not null) throw new LakeException("Give either a version or a timestamp, not both.");
        var table = OpenTable(tableUri);
        return timestamp is { } ts
            ? await table.GetSnapshotAsOfAsync(ts, cancellationToken).ConfigureAwait(false)
            : await table.GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SELECT that reads a snapshot of a table.</summary>
    public async Task<string> ScanAsync(string tableUri, Snapshot snapshot, CancellationToken cancellationToken = default)
        => await SnapshotScan.BuildAsync(Engine, _resolve(tableUri), snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Writes a snapshot as one Parquet file; returns the snapshot and the row count.</summary>
    public async Task<(Snapshot Snapshot, long Rows)> ExportAsync(string tableUri, string outputPath, long? version = null, DateTimeOffset? timestamp = null,
        CancellationToken cancellationToken = default)
    {
        var snapshot = await SnapshotAsync(tableUri, version, timestamp, cancellationToken).ConfigureAwait(false);
        var scan = await ScanAsync(tableUri, snapshot, cancellationToken).ConfigureAwait(false);
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Write beside the target, then rename: a reader never sees a half-written export.
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var result = await Engine.QueryAsync($"COPY ({scan}) TO {Sql.Literal(temp)} (FORMAT parquet, RETURN_STATS true)", cancellationToken).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
            return (snapshot, result.Rows.Sum(r => Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public async Task<TableDescription> DescribeAsync(string tableUri, CancellationToken cancellationToken = default)
        => TableDescription.From(await OpenTable(tableUri).GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false));

    public Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string tableUri, int? limit = null, CancellationToken cancellationToken = default)
        => OpenTable(tableUri).GetHistoryAsync(limit, cancellationToken);

    public Task<VacuumResult> VacuumAsync(string tableUri, TimeSpan? retention, bool dryRun, bool force, CancellationToken cancellationToken = default)
        => Vacuum.RunAsync(OpenTable(tableUri), retention, dryRun, force, cancellationToken);

    /// <summary>
    /// Registers every Delta table under <paramref name="lakeUri"/> as a view: <c>zone.table</c> for
    /// <c>lake/zone/table</c>, <c>main.table</c> for a table at the lake's top level.
    /// </summary>
    public async Task<IReadOnlyList<LakeTable>> RegisterLakeAsync(string lakeUri, CancellationToken cancellationToken = default)
    {
        var store = _resolve(lakeUri);
        var tables = await LakeCatalog.FindTablesAsync(store, cancellationToken).ConfigureAwait(false);
        var registered = new List<LakeTable>();
        foreach (var path in tables)
        {
            var (schema, name) = LakeCatalog.ViewName(path);
            var uri = lakeUri.TrimEnd('/') + "/" + path;
            var table = OpenTable(uri);
            var snapshot = await table.GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
            await Engine.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(schema)}", cancellationToken).ConfigureAwait(false);
            await SnapshotScan.CreateViewAsync(Engine, table.Store, snapshot, Sql.Qualified(schema, name), cancellationToken).ConfigureAwait(false);
            registered.Add(new LakeTable(schema, name, uri, snapshot.Version));
        }
        await LakeViews.RegisterAsync(Engine, store, cancellationToken).ConfigureAwait(false);
        await UseSchemasForUnqualifiedNamesAsync(cancellationToken).ConfigureAwait(false);
        return registered;
    }

    /// <summary>
    /// Lets queries name a table or model without its schema: unqualified names are looked up in <c>main</c>, then in
    /// every other schema in name order (the first match wins when two schemas hold the same name).
    /// </summary>
    public async Task UseSchemasForUnqualifiedNamesAsync(CancellationToken cancellationToken = default)
    {
        var schemas = await Engine.QueryAsync(
            "SELECT DISTINCT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() " +
            "AND schema_name NOT IN ('information_schema', 'pg_catalog', 'main') ORDER BY schema_name", cancellationToken).ConfigureAwait(false);
        var path = string.Join(",", new[] { "main" }.Concat(schemas.Rows.Select(r => (string)r[0]!)).Select(s => Sql.Identifier(s)));
        await Engine.ExecuteAsync($"SET search_path = {Sql.Literal(path)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a DuckDB database file holding a view for every table and stored view of the lake, over their current
    /// snapshots, for analysts to open in any DuckDB client. Built beside the target and renamed over it.
    /// </summary>
    public async Task<IReadOnlyList<LakeTable>> WriteCatalogFileAsync(string lakeUri, string catalogPath, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(catalogPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            IReadOnlyList<LakeTable> tables;
            // Views are created in memory (hundreds of small catalog writes), then copied to the file in one go.
            await using (var session = new LakeSession(new DuckDbEngine(null, Engine.CacheDirectory), _resolve))
            {
                tables = await session.RegisterLakeAsync(lakeUri, cancellationToken).ConfigureAwait(false);
                await session.Engine.ExecuteAsync(
                    $"ATTACH {Sql.Literal(temp)} AS cdp_catalog; COPY FROM DATABASE memory TO cdp_catalog; DETACH cdp_catalog", cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, full, overwrite: true);
            return tables;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (File.Exists(temp + ".wal")) File.Delete(temp + ".wal");
        }
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}

/// <summary>A table registered as a view.</summary>
public sealed record LakeTable(string Schema, string Name, string Uri, long Version);
