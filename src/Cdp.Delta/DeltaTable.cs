using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Log;
using Cdp.Delta.Transactions;
using Cdp.Storage;

namespace Cdp.Delta;

/// <summary>
/// A Delta table in an object store: loads snapshots (latest, by version, by timestamp), reads history, starts
/// transactions and vacuums. All storage access goes through <see cref="IObjectStore"/>; checkpoint Parquet
/// goes through <see cref="ICheckpointFormat"/>.
/// </summary>
public sealed class DeltaTable
{
    private const int ParallelReads = 16;

    /// <summary>Beyond this many new commits, loading from the newest checkpoint is cheaper than catching up.</summary>
    private const int MaxIncrementalCommits = 100;

    private readonly Lock _latestLock = new();
    private Snapshot? _latest;

    public DeltaTable(IObjectStore store, ICheckpointFormat checkpoints, TimeProvider? clock = null)
    {
        Store = store;
        Checkpoints = checkpoints;
        Clock = clock ?? TimeProvider.System;
    }

    public IObjectStore Store { get; }

    public ICheckpointFormat Checkpoints { get; }

    public TimeProvider Clock { get; }

    public string Location => Store.Location;

    internal static string LogPrefix => LogFileName.LogFolder + "/";

    /// <summary>True when the log holds at least one commit or checkpoint.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var file in Store.ListAsync(LogPrefix, null, cancellationToken).ConfigureAwait(false))
        {
            var name = LogFileName.TryParse(file.Key[LogPrefix.Length..]);
            if (name?.Kind is LogFileKind.Commit or LogFileKind.Checkpoint or LogFileKind.MultiPartCheckpoint) return true;
        }
        return false;
    }

    /// <summary>The latest snapshot, or null when no table exists here yet (one listing, unlike Exists + Get).</summary>
    public async Task<Snapshot?> TryGetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (DeltaException e) when (e.Kind == DeltaErrorKind.NotATable)
        {
            return null;
        }
    }

    /// <summary>Loads the snapshot at <paramref name="version"/>, or the latest when null.</summary>
    /// <remarks>
    /// The latest snapshot is remembered: the next call for the latest version lists only newer commits and replays
    /// them on top of it, which keeps repeated writes to a table from reloading its checkpoint every time.
    /// </remarks>
    public async Task<Snapshot> GetSnapshotAsync(long? version = null, CancellationToken cancellationToken = default)
    {
        if (version is null && _latest is { } cached && await TryUpdateAsync(cached, cancellationToken).ConfigureAwait(false) is { } updated)
            return Remember(updated);
        var loaded = await LoadAsync(version, cancellationToken).ConfigureAwait(false);
        return version is null ? Remember(loaded) : loaded;
    }

    private async Task<Snapshot> LoadAsync(long? version, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObjectInfo>? listing = null;
        var partial = false;
        if (version is null && await ReadCheckpointHintAsync(cancellationToken).ConfigureAwait(false) is { } hint)
        {
            // Start listing at the hinted checkpoint; fall back to a full listing if it is stale or broken.
            var fromHint = await ListLogAsync($"{LogPrefix}{hint:D20}", cancellationToken).ConfigureAwait(false);
            if (fromHint.Any(f => LogFileName.TryParse(FileName(f.Key)) is { Kind: LogFileKind.Checkpoint or LogFileKind.MultiPartCheckpoint } n && n.Version == hint))
            {
                listing = fromHint;
                partial = true;
            }
        }
        listing ??= await ListLogAsync(null, cancellationToken).ConfigureAwait(false);
        if (listing.Count == 0) throw DeltaErrors.NotATable(Location);
        LogSegment segment;
        try
        {
            segment = LogSegment.Build(Location, listing, version);
        }
        catch (DeltaException e) when (e.Kind == DeltaErrorKind.MissingVersion && partial)
        {
            // A partial listing cannot reconstruct the table: retry with the whole log before giving up.
            segment = LogSegment.Build(Location, await ListLogAsync(null, cancellationToken).ConfigureAwait(false), version);
        }
        return await ReplayAsync(segment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The snapshot of the latest commit made at or before <paramref name="timestamp"/>.</summary>
    public async Task<Snapshot> GetSnapshotAsOfAsync(DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        var commits = await GetCommitTimesAsync(cancellationToken).ConfigureAwait(false);
        if (commits.Count == 0) throw DeltaErrors.NotATable(Location);
        var match = commits.LastOrDefault(c => c.Timestamp <= timestamp);
        if (match.Timestamp == default) throw DeltaErrors.TimestampBeforeFirstCommit(Location, timestamp, commits[0].Timestamp);
        return await GetSnapshotAsync(match.Version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every retained commit's version and timestamp (modification times made strictly increasing).</summary>
    public async Task<IReadOnlyList<(long Version, DateTimeOffset Timestamp)>> GetCommitTimesAsync(CancellationToken cancellationToken = default)
    {
        var listing = await ListLogAsync(null, cancellationToken).ConfigureAwait(false);
        var commits = listing
            .Select(f => (Name: LogFileName.TryParse(FileName(f.Key)), File: f))
            .Where(x => x.Name?.Kind == LogFileKind.Commit)
            .Select(x => (x.Name!.Version, x.File))
            .OrderBy(x => x.Version)
            .ToList();
        return MonotonicTimes(commits);
    }

    /// <summary>Commit history, newest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        var times = await GetCommitTimesAsync(cancellationToken).ConfigureAwait(false);
        if (times.Count == 0) throw DeltaErrors.NotATable(Location);
        var wanted = times.Reverse().Take(limit ?? int.MaxValue).ToList();
        var entries = new HistoryEntry[wanted.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (version, timestamp) = wanted[i];
            var actions = await ReadCommitAsync(version, ct).ConfigureAwait(false);
            entries[i] = HistoryEntry.From(version, timestamp, actions);
        }).ConfigureAwait(false);
        return entries;
    }

    /// <summary>Starts a transaction that reads <paramref name="readSnapshot"/> (null: the table is being created).</summary>
    public Transaction StartTransaction(Snapshot? readSnapshot, string operation) => new(this, readSnapshot, operation);

    /// <summary>Reads and parses one commit file.</summary>
    public async Task<IReadOnlyList<DeltaAction>> ReadCommitAsync(long version, CancellationToken cancellationToken = default)
    {
        var key = LogPrefix + LogFileName.Commit(version);
        var bytes = await Store.ReadAllAsync(key, cancellationToken).ConfigureAwait(false);
        return ActionCodec.ParseCommit(bytes, key);
    }

    internal async Task<long?> ReadCheckpointHintAsync(CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await Store.ReadAllAsync(LogPrefix + LogFileName.LastCheckpoint, cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(bytes)?["version"]?.GetValue<long>();
        }
        catch (Exception e) when (e is ObjectNotFoundException or JsonException or InvalidOperationException or FormatException)
        {
            return null; // the hint is optional and may be corrupt: list instead
        }
    }

    internal async Task<IReadOnlyList<ObjectInfo>> ListLogAsync(string? startAfter, CancellationToken cancellationToken)
    {
        var files = new List<ObjectInfo>();
        await foreach (var file in Store.ListAsync(LogPrefix, startAfter, cancellationToken).ConfigureAwait(false))
        {
            if (!file.Key[LogPrefix.Length..].Contains('/')) files.Add(file);
        }
        return files;
    }

    private async Task<Snapshot> ReplayAsync(LogSegment segment, CancellationToken cancellationToken)
    {
        var replay = new LogReplay(Location);
        if (segment.CheckpointVersion is not null)
        {
            var actions = await Checkpoints.ReadAsync(Store, segment.CheckpointParts, cancellationToken).ConfigureAwait(false);
            foreach (var action in actions) replay.Apply(action);
        }
        foreach (var commit in await ReadCommitsAsync(segment.Commits.Select(c => c.File).ToList(), cancellationToken).ConfigureAwait(false))
        {
            foreach (var action in commit) replay.Apply(action);
        }
        // The version's own commit file dates it, even when the snapshot was rebuilt from a checkpoint alone.
        var timestamp = segment.AllCommits.Any(c => c.Version == segment.Version)
            ? MonotonicTimes(segment.AllCommits.Select(c => (c.Version, c.File)).ToList()).First(t => t.Version == segment.Version).Timestamp
            : segment.CheckpointParts[0].LastModified;
        return replay.Build(Location, segment.Version, timestamp);
    }

    /// <summary>
    /// Brings a cached latest snapshot up to date by replaying only the commits written since it. Null when the
    /// incremental path does not apply (a gap, a long way behind, or the cached version vanished): load from scratch.
    /// </summary>
    private async Task<Snapshot?> TryUpdateAsync(Snapshot cached, CancellationToken cancellationToken)
    {
        var listing = await ListLogAsync($"{LogPrefix}{LogFileName.Commit(cached.Version)}", cancellationToken).ConfigureAwait(false);
        var commits = listing
            .Select(f => (Name: LogFileName.TryParse(FileName(f.Key)), File: f))
            .Where(x => x.Name is { Kind: LogFileKind.Commit } n && n.Version > cached.Version)
            .OrderBy(x => x.Name!.Version)
            .ToList();
        if (commits.Count == 0)
        {
            // Nothing new, unless the table was removed under us: then reload (and fail) the normal way.
            return await Store.GetInfoAsync(LogPrefix + LogFileName.Commit(cached.Version), cancellationToken).ConfigureAwait(false) is null ? null : cached;
        }
        if (commits.Count > MaxIncrementalCommits) return null;
        for (var i = 0; i < commits.Count; i++)
        {
            if (commits[i].Name!.Version != cached.Version + 1 + i) return null;
        }
        var replay = new LogReplay(cached);
        foreach (var commit in await ReadCommitsAsync(commits.Select(c => c.File).ToList(), cancellationToken).ConfigureAwait(false))
        {
            foreach (var action in commit) replay.Apply(action);
        }
        var timestamp = cached.Timestamp;
        foreach (var (_, file) in commits) timestamp = file.LastModified > timestamp ? file.LastModified : timestamp.AddMilliseconds(1);
        return replay.Build(Location, commits[^1].Name!.Version, timestamp);
    }

    private async Task<IReadOnlyList<DeltaAction>[]> ReadCommitsAsync(IReadOnlyList<ObjectInfo> files, CancellationToken cancellationToken)
    {
        var commits = new IReadOnlyList<DeltaAction>[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, commits.Length), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var bytes = await Store.ReadAllAsync(files[i].Key, ct).ConfigureAwait(false);
            commits[i] = ActionCodec.ParseCommit(bytes, files[i].Key);
        }).ConfigureAwait(false);
        return commits;
    }

    private Snapshot Remember(Snapshot snapshot)
    {
        lock (_latestLock)
        {
            if (_latest is null || snapshot.Version >= _latest.Version) _latest = snapshot;
        }
        return snapshot;
    }

    private static List<(long Version, DateTimeOffset Timestamp)> MonotonicTimes(IReadOnlyList<(long Version, ObjectInfo File)> commits)
    {
        var result = new List<(long, DateTimeOffset)>(commits.Count);
        var previous = DateTimeOffset.MinValue;
        foreach (var (version, file) in commits)
        {
            var t = file.LastModified;
            if (t <= previous) t = previous.AddMilliseconds(1);
            result.Add((version, t));
            previous = t;
        }
        return result;
    }

    internal static string FileName(string key) => key[(key.LastIndexOf('/') + 1)..];
}

/// <summary>One commit in a table's history.</summary>
public sealed record HistoryEntry(
    long Version,
    DateTimeOffset Timestamp,
    string? Operation,
    JsonObject? OperationParameters,
    JsonObject? OperationMetrics,
    string? EngineInfo,
    int Adds,
    int Removes)
{
    internal static HistoryEntry From(long version, DateTimeOffset timestamp, IReadOnlyList<DeltaAction> actions)
    {
        var info = actions.OfType<CommitInfo>().FirstOrDefault()?.Value;
        return new HistoryEntry(
            version,
            timestamp,
            info?["operation"]?.GetValue<string>(),
            info?["operationParameters"] as JsonObject,
            info?["operationMetrics"] as JsonObject,
            info?["engineInfo"]?.GetValue<string>(),
            actions.Count(a => a is AddFile),
            actions.Count(a => a is RemoveFile));
    }
}
