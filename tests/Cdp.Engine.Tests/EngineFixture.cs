using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Engine.Tests;

/// <summary>A temp folder holding one table, with an engine and writer over it.</summary>
public sealed class LocalTable : IAsyncDisposable
{
    public LocalTable()
    {
        Root = Path.Combine(Path.GetTempPath(), "cdp-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Store = new LocalObjectStore(Root);
        Engine = new DuckDbEngine();
        Table = new DeltaTable(Store, new DuckDbCheckpointFormat(Engine));
        Writer = new DeltaWriter(Engine);
    }

    public string Root { get; }

    public LocalObjectStore Store { get; }

    public DuckDbEngine Engine { get; }

    public DeltaTable Table { get; }

    public DeltaWriter Writer { get; }

    public async Task<QueryResult> ReadAsync(string select = "*", string orderBy = "1", long? version = null)
    {
        var snapshot = await Table.GetSnapshotAsync(version);
        var scan = await SnapshotScan.BuildAsync(Engine, Store, snapshot);
        return await Engine.QueryAsync($"SELECT {select} FROM ({scan}) AS t ORDER BY {orderBy}");
    }

    /// <summary>The SELECT that reads the table at a version (latest when null).</summary>
    public async Task<string> ScanAsync(long? version = null)
    {
        var snapshot = await Table.GetSnapshotAsync(version);
        return await SnapshotScan.BuildAsync(Engine, Store, snapshot);
    }

    public Task<WriteResult> AppendAsync(string sql, WriteOptions? options = null) => Writer.WriteAsync(Table, sql, WriteMode.Append, options);

    /// <summary>Data files on disk under the table (not the log, not staging).</summary>
    public IReadOnlyList<string> DataFiles()
        => Directory.EnumerateFiles(Root, "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("_delta_log/", StringComparison.Ordinal) && !f.StartsWith(".cdp-staging", StringComparison.Ordinal))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
