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

    /// <summary>Loads the snapshot at <paramref name="version"/>, or the latest when null.</summary>
    public async Task<Snapshot> GetSnapshotAsync(long? version = null, CancellationToken cancellationToken = default)
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
        Protocol? protocol = null;
        Metadata? metadata = null;
        var files = new Dictionary<string, AddFile>(StringComparer.Ordinal);
        var tombstones = new Dictionary<string, RemoveFile>(StringComparer.Ordinal);
        var txns = new Dictionary<string, SetTransaction>(StringComparer.Ordinal);

        void Apply(DeltaAction action)
        {
            switch (action)
            {
                case Protocol p: protocol = p; break;
                case Metadata m: metadata = m; break;
                case AddFile a:
                    files[a.Key] = a;
                    tombstones.Remove(a.Key);
                    break;
                case RemoveFile r:
                    files.Remove(r.Key);
                    tombstones[r.Key] = r;
                    break;
                case SetTransaction t: txns[t.AppId] = t; break;
            }
        }

        if (segment.CheckpointVersion is not null)
        {
            var actions = await Checkpoints.ReadAsync(Store, segment.CheckpointParts, cancellationToken).ConfigureAwait(false);
            foreach (var action in actions) Apply(action);
        }

        var commits = new IReadOnlyList<DeltaAction>[segment.Commits.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, commits.Length), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var file = segment.Commits[i].File;
            var bytes = await Store.ReadAllAsync(file.Key, ct).ConfigureAwait(false);
            commits[i] = ActionCodec.ParseCommit(bytes, file.Key);
        }).ConfigureAwait(false);
        foreach (var commit in commits)
        {
            foreach (var action in commit) Apply(action);
        }

        if (protocol is null) throw DeltaErrors.MissingAction(Location, segment.Version, "protocol");
        ProtocolSupport.EnsureReadable(Location, protocol, metadata);
        if (metadata is null) throw DeltaErrors.MissingAction(Location, segment.Version, "metaData");

        // The version's own commit file dates it, even when the snapshot was rebuilt from a checkpoint alone.
        var timestamp = segment.AllCommits.Any(c => c.Version == segment.Version)
            ? MonotonicTimes(segment.AllCommits.Select(c => (c.Version, c.File)).ToList()).First(t => t.Version == segment.Version).Timestamp
            : segment.CheckpointParts[0].LastModified;
        var live = files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        return new Snapshot(Location, segment.Version, timestamp, protocol, metadata, live, tombstones.Values.ToList(), txns);
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
