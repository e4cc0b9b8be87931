using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Log;

namespace Cdp.Delta.Transactions;

/// <summary>What a transaction read, which decides whether a concurrent winner conflicts with it.</summary>
public enum ReadScope
{
    /// <summary>Read nothing (a blind append): never conflicts with concurrent data changes.</summary>
    Nothing,

    /// <summary>Read the whole table (overwrite, delete, merge without a partition filter).</summary>
    WholeTable,

    /// <summary>Read only the partitions accepted by <see cref="Transaction.ReadPartitions"/>.</summary>
    Partitions,
}

/// <summary>The outcome of a commit.</summary>
/// <param name="Version">The committed version, or the version that already held this app transaction.</param>
/// <param name="Attempts">How many versions were tried (1 when no other writer interfered).</param>
/// <param name="AlreadyCommitted">True when the app transaction (appId, version) was already in the table: nothing was written.</param>
/// <param name="CheckpointWritten">True when this commit also wrote a checkpoint.</param>
public sealed record CommitResult(long Version, int Attempts, bool AlreadyCommitted, bool CheckpointWritten);

/// <summary>
/// An optimistic transaction: collects actions against a read snapshot, then commits version N+1 with
/// put-if-absent. When another writer wins that version, the winner is checked for conflicts; a transaction that
/// does not conflict moves on to the next version (bounded), one that does fails with a conflict error.
/// </summary>
public sealed class Transaction
{
    private readonly DeltaTable _table;
    private readonly List<AddFile> _adds = [];
    private readonly List<RemoveFile> _removes = [];
    private Metadata? _newMetadata;
    private Protocol? _newProtocol;
    private readonly List<SetTransaction> _appTransactions = [];

    internal Transaction(DeltaTable table, Snapshot? readSnapshot, string operation)
    {
        _table = table;
        ReadSnapshot = readSnapshot;
        Operation = operation;
    }

    public Snapshot? ReadSnapshot { get; }

    public string Operation { get; }

    /// <summary>commitInfo.operationParameters.</summary>
    public JsonObject Parameters { get; } = [];

    /// <summary>commitInfo.operationMetrics.</summary>
    public JsonObject Metrics { get; } = [];

    public ReadScope ReadScope { get; set; } = ReadScope.Nothing;

    /// <summary>With <see cref="ReadScope.Partitions"/>: the partitions this transaction read.</summary>
    public Func<IReadOnlyDictionary<string, string?>, bool>? ReadPartitions { get; set; }

    /// <summary>Upper bound on versions tried before giving up (each lost race means someone else committed).</summary>
    public int MaxAttempts { get; set; } = 200;

    public IReadOnlyList<AddFile> Adds => _adds;

    public IReadOnlyList<RemoveFile> Removes => _removes;

    public Metadata? Metadata => _newMetadata ?? ReadSnapshot?.Metadata;

    public Protocol? Protocol => _newProtocol ?? ReadSnapshot?.Protocol;

    public void UpdateMetadata(Metadata metadata) => _newMetadata = metadata;

    public void UpdateProtocol(Protocol protocol) => _newProtocol = protocol;

    public void Add(AddFile file) => _adds.Add(file);

    /// <summary>Removes a live file of the read snapshot (copy-on-write rewrites and overwrites).</summary>
    public void Remove(AddFile file) => _removes.Add(new RemoveFile(
        file.Path,
        _table.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        DataChange: true,
        ExtendedFileMetadata: true,
        file.PartitionValues,
        file.Size));

    /// <summary>
    /// Records (appId, version) so a re-run of the same batch is recognised and not committed twice. One commit may
    /// record several app ids (one per input it lands); it is skipped as already committed when any of them is.
    /// </summary>
    public void SetAppTransaction(string appId, long version)
    {
        if (_appTransactions.Any(t => t.AppId == appId))
            throw DeltaErrors.InvalidArgument($"Bug: the app transaction '{appId}' is set twice in one commit to '{_table.Location}'.");
        _appTransactions.Add(new SetTransaction(appId, version, _table.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        var location = _table.Location;
        var protocol = Protocol ?? throw DeltaErrors.InvalidArgument($"Bug: a transaction creating '{location}' needs a protocol.");
        var metadata = Metadata ?? throw DeltaErrors.InvalidArgument($"Bug: a transaction creating '{location}' needs metadata.");
        ProtocolSupport.EnsureWritable(location, protocol, metadata);
        if (ReadSnapshot is { AppendOnly: true } && _removes.Any(r => r.DataChange))
            throw DeltaErrors.AppendOnly(location, Operation);
        if (ReadSnapshot is not null && _appTransactions.Any(app => ReadSnapshot.AppTransactionVersion(app.AppId) is { } seen && seen >= app.Version))
            return new CommitResult(ReadSnapshot.Version, 0, AlreadyCommitted: true, CheckpointWritten: false);

        var version = (ReadSnapshot?.Version ?? -1) + 1;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var key = DeltaTable.LogPrefix + LogFileName.Commit(version);
            var content = ActionCodec.SerializeCommit(BuildActions(version));
            if (await _table.Store.PutIfAbsentAsync(key, content, cancellationToken).ConfigureAwait(false))
            {
                var checkpointed = await TryCheckpointAsync(version, cancellationToken).ConfigureAwait(false);
                return new CommitResult(version, attempt, false, checkpointed);
            }
            var winner = await _table.ReadCommitAsync(version, cancellationToken).ConfigureAwait(false);
            if (CheckWinner(version, winner) is { } alreadyAt)
                return new CommitResult(alreadyAt, attempt, AlreadyCommitted: true, CheckpointWritten: false);
            version++;
        }
        throw DeltaErrors.Conflict(location, version - 1, $"kept winning the race for {MaxAttempts} attempts");
    }

    private IEnumerable<DeltaAction> BuildActions(long version)
    {
        var info = new JsonObject
        {
            ["timestamp"] = _table.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            ["operation"] = Operation,
            ["operationParameters"] = Parameters.DeepClone(),
            ["operationMetrics"] = Metrics.DeepClone(),
            ["isolationLevel"] = "WriteSerializable",
            ["isBlindAppend"] = ReadScope == ReadScope.Nothing && _removes.Count == 0,
            ["engineInfo"] = EngineInfo,
        };
        if (ReadSnapshot is not null) info["readVersion"] = ReadSnapshot.Version;
        yield return new CommitInfo(info);
        if (_newProtocol is not null || version == 0) yield return _newProtocol ?? ReadSnapshot!.Protocol;
        if (_newMetadata is not null || version == 0) yield return _newMetadata ?? ReadSnapshot!.Metadata;
        foreach (var t in _appTransactions) yield return t;
        foreach (var r in _removes) yield return r;
        foreach (var a in _adds) yield return a;
    }

    /// <summary>
    /// Decides what a winning commit means for us: null to try the next version, the winner's version when it
    /// already holds our app transaction, or a conflict error.
    /// </summary>
    private long? CheckWinner(long version, IReadOnlyList<DeltaAction> winner)
    {
        var location = _table.Location;
        if (winner.OfType<SetTransaction>().Any(t => _appTransactions.Any(app => t.AppId == app.AppId && t.Version >= app.Version)))
            return version;
        if (winner.Any(a => a is Actions.Protocol or Actions.Metadata))
        {
            var why = ReadSnapshot is null ? "created the table first" : "changed the table's protocol or metadata";
            throw DeltaErrors.Conflict(location, version, why);
        }
        if (_newMetadata is not null || _newProtocol is not null)
            throw DeltaErrors.Conflict(location, version, "committed while this transaction changes the schema or properties");

        // Compare canonical paths: the winner may spell the same file differently (relative, file:/, percent-encoded).
        var winnerRemoves = winner.OfType<RemoveFile>().Select(r => DeltaPath.Canonical(location, r.Path)).ToHashSet(StringComparer.Ordinal);
        if (_removes.Any(r => winnerRemoves.Contains(DeltaPath.Canonical(location, r.Path))))
            throw DeltaErrors.Conflict(location, version, "removed a file this transaction also removes");
        if (ReadScope == ReadScope.Nothing) return null;

        bool InScope(IReadOnlyDictionary<string, string?>? values)
            => ReadScope == ReadScope.WholeTable || ReadPartitions is null || values is null || ReadPartitions(values);

        if (winner.OfType<AddFile>().Any(a => a.DataChange && InScope(a.PartitionValues)))
            throw DeltaErrors.Conflict(location, version, "added data in what this transaction read");
        if (winner.OfType<RemoveFile>().Any(r => r.DataChange && InScope(r.PartitionValues)))
            throw DeltaErrors.Conflict(location, version, "removed data that this transaction read");
        return null;
    }

    private async Task<bool> TryCheckpointAsync(long version, CancellationToken cancellationToken)
    {
        var interval = TableProperties.CheckpointInterval(Metadata!.Configuration);
        if (version == 0 || version % interval != 0) return false;
        try
        {
            await CheckpointWriter.WriteAsync(_table, version, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            // The commit stands without a checkpoint: readers replay more JSON until the next one is written.
            // Reporting the commit as failed would make callers discard or redo work that is already committed.
            return false;
        }
    }

    internal static string EngineInfo { get; } = "Cdp.Lakehouse/" + (typeof(Transaction).Assembly.GetName().Version?.ToString(3) ?? "0");
}
