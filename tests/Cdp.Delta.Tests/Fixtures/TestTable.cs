using System.Text;
using Cdp.Delta.Actions;
using Cdp.Delta.Log;
using Cdp.Delta.Transactions;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Fixtures;

/// <summary>
/// A Delta table over any store, with a manual clock, and helpers that craft commits through
/// <see cref="Transaction"/> (with fake data file paths: the log never opens them) or write raw log lines.
/// </summary>
public sealed class TestTable
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string DefaultSchema =
        """{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"name","type":"string","nullable":true,"metadata":{}},{"name":"part","type":"string","nullable":true,"metadata":{}}]}""";

    public TestTable(IObjectStore store, ICheckpointFormat? checkpoints = null, ManualClock? clock = null)
    {
        Clock = clock ?? new ManualClock(Epoch);
        Store = store;
        Checkpoints = new RecordingCheckpointFormat(checkpoints ?? new JsonCheckpointFormat());
    }

    /// <summary>A table in an <see cref="InMemoryObjectStore"/> whose modification times follow the table's clock.</summary>
    public static TestTable InMemory(ICheckpointFormat? checkpoints = null)
    {
        var clock = new ManualClock(Epoch);
        return new TestTable(new InMemoryObjectStore(clock), checkpoints, clock);
    }

    public ManualClock Clock { get; }

    public IObjectStore Store { get; }

    public InMemoryObjectStore MemoryStore => (InMemoryObjectStore)Store;

    public RecordingCheckpointFormat Checkpoints { get; }

    /// <summary>
    /// A new table object on every access, so each load starts cold (no remembered snapshot); the incremental path
    /// is tested on purpose in IncrementalSnapshotTests.
    /// </summary>
    public DeltaTable Table => new(Store, Checkpoints, Clock);

    public static string CommitKey(long version) => LogFileName.LogFolder + "/" + LogFileName.Commit(version);

    public static string CheckpointKey(long version) => LogFileName.LogFolder + "/" + LogFileName.Checkpoint(version);

    public static string LastCheckpointKey => LogFileName.LogFolder + "/" + LogFileName.LastCheckpoint;

    public static Metadata NewMetadata(
        IReadOnlyDictionary<string, string>? configuration = null,
        IReadOnlyList<string>? partitionColumns = null,
        string? schema = null)
        => new(Guid.NewGuid().ToString(), "t", null, "parquet", new Dictionary<string, string>(), schema ?? DefaultSchema,
            partitionColumns ?? [], configuration ?? new Dictionary<string, string>(), Epoch.ToUnixTimeMilliseconds());

    public static AddFile File(string path, long size = 100, IReadOnlyDictionary<string, string?>? partitionValues = null, string? stats = null)
        => new(path, partitionValues ?? new Dictionary<string, string?>(), size, Epoch.ToUnixTimeMilliseconds(), DataChange: true, stats);

    public static Dictionary<string, string?> Part(string? value) => new() { ["part"] = value };

    public async Task<CommitResult> CreateAsync(Metadata? metadata = null, Protocol? protocol = null, params AddFile[] files)
    {
        var txn = Table.StartTransaction(null, "CREATE TABLE");
        txn.UpdateProtocol(protocol ?? Protocol.Default);
        txn.UpdateMetadata(metadata ?? NewMetadata());
        foreach (var f in files) txn.Add(f);
        return await txn.CommitAsync();
    }

    public Task<CommitResult> CreateAsync(IReadOnlyDictionary<string, string> configuration)
        => CreateAsync(NewMetadata(configuration));

    /// <summary>Appends files named by <paramref name="paths"/> as a blind append on the latest snapshot.</summary>
    public Task<CommitResult> AppendAsync(params string[] paths) => AppendAsync(paths.Select(p => File(p)).ToArray());

    public async Task<CommitResult> AppendAsync(params AddFile[] files)
    {
        var txn = Table.StartTransaction(await Table.GetSnapshotAsync(), "WRITE");
        foreach (var f in files) txn.Add(f);
        txn.Metrics["numFiles"] = files.Length;
        return await txn.CommitAsync();
    }

    /// <summary>Removes live files by path (and adds <paramref name="adds"/>), reading the whole table.</summary>
    public async Task<CommitResult> RewriteAsync(IEnumerable<string> remove, params AddFile[] adds)
    {
        var snapshot = await Table.GetSnapshotAsync();
        var txn = Table.StartTransaction(snapshot, "DELETE");
        txn.ReadScope = ReadScope.WholeTable;
        foreach (var path in remove) txn.Remove(snapshot.Files.Single(f => f.Path == path));
        foreach (var f in adds) txn.Add(f);
        txn.Metrics["numRemovedFiles"] = txn.Removes.Count;
        return await txn.CommitAsync();
    }

    public Task<CommitResult> RemoveAsync(params string[] paths) => RewriteAsync(paths);

    public async Task<CommitResult> SetAppTransactionAsync(string appId, long version, params AddFile[] files)
    {
        var txn = Table.StartTransaction(await Table.GetSnapshotAsync(), "WRITE");
        txn.SetAppTransaction(appId, version);
        foreach (var f in files) txn.Add(f);
        return await txn.CommitAsync();
    }

    /// <summary>Writes a commit file holding exactly <paramref name="lines"/> (raw JSON, one action a line).</summary>
    public Task WriteCommitAsync(long version, params string[] lines)
        => Store.WriteAsync(CommitKey(version), Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    public Task WriteHintAsync(string content)
        => Store.WriteAsync(LastCheckpointKey, Encoding.UTF8.GetBytes(content));

    public async Task<List<string>> KeysAsync(string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var o in Store.ListAsync(prefix)) keys.Add(o.Key);
        return keys;
    }

    /// <summary>The versions of the commit files in the log, ascending.</summary>
    public async Task<List<long>> CommitVersionsAsync()
        => (await KeysAsync(LogFileName.LogFolder + "/"))
            .Select(k => LogFileName.TryParse(k[(k.LastIndexOf('/') + 1)..]))
            .Where(n => n?.Kind == LogFileKind.Commit)
            .Select(n => n!.Version)
            .ToList();

    /// <summary>
    /// The snapshot a reader gets from the commit files alone (no checkpoints, no hint): the reference that
    /// checkpoint-based reads must agree with.
    /// </summary>
    public async Task<Snapshot> FullReplayAsync(long? version = null)
    {
        var copy = new InMemoryObjectStore();
        await foreach (var o in Store.ListAsync(LogFileName.LogFolder + "/"))
        {
            if (LogFileName.TryParse(o.Key[(o.Key.LastIndexOf('/') + 1)..])?.Kind == LogFileKind.Commit)
            {
                await copy.WriteAsync(o.Key, await Store.ReadAllAsync(o.Key));
                copy.SetLastModified(o.Key, o.LastModified);
            }
        }
        return await new DeltaTable(copy, new JsonCheckpointFormat(), Clock).GetSnapshotAsync(version);
    }
}
