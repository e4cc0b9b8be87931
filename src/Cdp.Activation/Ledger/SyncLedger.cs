using System.Globalization;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Planning;
using Cdp.Delta;
using Cdp.Engine;

namespace Cdp.Activation.Ledger;

/// <summary>
/// The sync ledger: the Delta table <c>sync_ledger</c> in the gold zone, one row per record and event. Before a batch
/// is sent its records are appended as <c>intent</c> rows (status pending); when the destination has answered, the
/// same records are appended as <c>outcome</c> rows (accepted, rejected with the platform's reason, or pending).
/// What a destination holds is derived from the latest accepted outcome per person; an intent without an outcome is
/// a batch an interrupted run may have delivered, which the next run resends under the same batch id.
/// </summary>
/// <remarks>
/// Columns: run_id, destination, audience, batch_id, event ('intent' | 'outcome'), person_id, operation
/// ('add' | 'update' | 'remove'), status ('pending' | 'accepted' | 'rejected'), reason, fingerprint, at (TIMESTAMPTZ,
/// strictly increasing per ledger instance, so an outcome always sorts after its intent), channel (the consent
/// channel of the sync, which contact caps count by; NULL when written without a request), fields (on intents: a
/// JSON object of the export fields as sent, keyed by column). The fields are personal data, kept in the brand's own
/// lake like the membership they come from: they are the proof of what was sent, and what identifies a person to the
/// platform when they must be removed after leaving the membership (whose row, and fields, are gone by then). Reasons
/// are platform codes, never personal data. A batch's rows are always committed together, so a killed process leaves
/// either all of them or none.
///
/// Group commit: appends wait in a queue, and one writer commits everything queued in a single Delta commit, then the
/// next group. A caller returns once the commit holding its rows is durable, as if it had committed alone; but when
/// many batches are in flight (several destinations, or concurrent batches of one), a Delta commit carries all their
/// intents and outcomes instead of one commit each, so the ledger does not cap the send rate. An append still queued
/// when its token is cancelled is withdrawn; one already being committed is waited for.
/// </remarks>
public sealed class SyncLedger
{
    /// <summary>The table's name in the gold zone.</summary>
    public const string TableName = "sync_ledger";

    private readonly DuckDbEngine _engine;
    private readonly DeltaTable _table;
    private readonly DeltaWriter _writer;
    private readonly TimeProvider _clock;
    private readonly Lock _queueLock = new();
    private readonly List<PendingAppend> _queue = [];
    private bool _writing;
    private long _lastMicros;

    /// <param name="engine">Runs the SQL that writes and reads the table.</param>
    /// <param name="openGold">Opens a Delta table by its name in the gold zone; called once, with <see cref="TableName"/>.</param>
    public SyncLedger(DuckDbEngine engine, Func<string, DeltaTable> openGold, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(openGold);
        _engine = engine;
        _table = openGold(TableName);
        _writer = new DeltaWriter(engine);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Where the table lives (for messages).</summary>
    public string Location => _table.Location;

    internal DuckDbEngine Engine => _engine;

    /// <summary>
    /// Creates (or replaces) the temp view <paramref name="viewName"/> over the ledger's current version and returns
    /// it quoted, or null while the table does not exist (nothing was ever sent).
    /// </summary>
    public async Task<string?> CreateViewAsync(string viewName, CancellationToken cancellationToken = default)
    {
        var snapshot = await _table.TryGetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var scan = await SnapshotScan.BuildAsync(_engine, _table.Store, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        var name = Sql.Identifier(viewName);
        await _engine.ExecuteAsync($"CREATE OR REPLACE TEMP VIEW {name} AS {scan}", cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Records that the batch's records are about to be sent.</summary>
    public Task RecordIntentAsync(string runId, string destination, string audience, string batchId, IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken = default)
        => AppendAsync(runId, destination, audience, null, null, batchId, "intent",
            records.Select(r => new RecordOutcome(r, RecordStatus.Pending, null)).ToList(), cancellationToken);

    /// <summary>Records that the batch's records are about to be sent, with the request's destination, audience and channel.</summary>
    public Task RecordIntentAsync(string runId, SyncRequest request, string batchId, IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AppendAsync(runId, request.Destination, request.Audience, request.Channel, request.ExportColumns, batchId, "intent",
            records.Select(r => new RecordOutcome(r, RecordStatus.Pending, null)).ToList(), cancellationToken);
    }

    /// <summary>Records the outcome of every record of a batch, in one commit.</summary>
    public Task RecordOutcomesAsync(string runId, string destination, string audience, string batchId, IReadOnlyList<RecordOutcome> outcomes, CancellationToken cancellationToken = default)
        => AppendAsync(runId, destination, audience, null, null, batchId, "outcome", outcomes, cancellationToken);

    /// <summary>Records the outcome of every record of a batch, in one commit, with the request's destination, audience and channel.</summary>
    public Task RecordOutcomesAsync(string runId, SyncRequest request, string batchId, IReadOnlyList<RecordOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AppendAsync(runId, request.Destination, request.Audience, request.Channel, null, batchId, "outcome", outcomes, cancellationToken);
    }

    private async Task AppendAsync(string runId, string destination, string audience, string? channel, IReadOnlyList<string>? columns, string batchId, string @event,
        IReadOnlyList<RecordOutcome> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        ct.ThrowIfCancellationRequested();
        var pending = new PendingAppend(runId, destination, audience, channel, columns, batchId, @event, rows);
        bool lead;
        lock (_queueLock)
        {
            _queue.Add(pending);
            lead = !_writing;
            _writing = true;
        }
        if (lead) _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        using var registration = ct.Register(() =>
        {
            lock (_queueLock)
            {
                if (_queue.Remove(pending)) pending.Done.TrySetCanceled(ct);
            }
        });
        await pending.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Commits the queue, one group per commit, until it is empty; every caller learns its group's fate.</summary>
    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<PendingAppend> group;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                group = [.. _queue];
                _queue.Clear();
            }
            try
            {
                await WriteGroupAsync(group).ConfigureAwait(false);
                foreach (var p in group) p.Done.TrySetResult();
            }
#pragma warning disable CA1031 // the failure belongs to the callers, who each rethrow it
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (var p in group) p.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// One append commit of every row of the group. Rows are staged with their append's number; the per-append values
    /// (run, destination, audience, channel, batch, event, timestamp) are joined from a VALUES list, in increasing
    /// timestamps in queue order, so an outcome always sorts after its intent.
    /// </summary>
    private async Task WriteGroupAsync(IReadOnlyList<PendingAppend> group)
    {
        var staged = "__cdp_sync_ledger_" + Guid.NewGuid().ToString("N");
        var n = group.Sum(p => p.Rows.Count);
        var part = new int[n];
        var person = new long[n];
        var operation = new string?[n];
        var status = new string?[n];
        var reason = new string?[n];
        var fingerprint = new string?[n];
        var fields = new string?[n];
        var parts = new List<string>(group.Count);
        var i = 0;
        foreach (var (p, k) in group.Select((p, k) => (p, k)))
        {
            var at = NextTimestamp().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";
            parts.Add($"({Sql.Literal(k)}, {Sql.Literal(p.RunId)}, {Sql.Literal(p.Destination)}, {Sql.Literal(p.Audience)}, {Sql.Literal(p.BatchId)}, " +
                      $"{Sql.Literal(p.Event)}, {Sql.Literal(at)}, {Sql.Literal(p.Channel)})");
            foreach (var r in p.Rows)
            {
                part[i] = k;
                person[i] = r.Record.PersonId;
                operation[i] = SyncOperations.Name(r.Record.Operation);
                status[i] = StatusName(r.Status);
                reason[i] = r.Reason;
                fingerprint[i] = r.Record.Fingerprint;
                fields[i] = p.Columns is null ? null : FieldsJson(p.Columns, r.Record.Fields);
                i++;
            }
        }
        // Not cancellable once started: a half-done commit is impossible anyway, and a finished one must be known.
        await _engine.ExecuteAsync($"CREATE TEMP TABLE {staged}(part INTEGER, person_id BIGINT, operation VARCHAR, status VARCHAR, reason VARCHAR, fingerprint VARCHAR, fields VARCHAR)",
            CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _engine.AppendAsync(staged, n, [part, person, operation, status, reason, fingerprint, fields], CancellationToken.None).ConfigureAwait(false);
            var sql = $"""
                SELECT a.run_id, a.destination, a.audience, a.batch_id, a.event, s.person_id, s.operation, s.status, s.reason, s.fingerprint,
                       CAST(a."at" AS TIMESTAMPTZ) AS "at", CAST(a.channel AS VARCHAR) AS channel, s.fields
                FROM {staged} AS s
                JOIN (VALUES {string.Join(", ", parts)}) AS a(part, run_id, destination, audience, batch_id, event, "at", channel) ON a.part = s.part
                """;
            await _writer.WriteAsync(_table, sql, WriteMode.Append, new WriteOptions { TableName = TableName }, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _engine.ExecuteAsync($"DROP TABLE IF EXISTS {staged}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The fields as a JSON object keyed by column (every control character escaped, so text of any kind survives).</summary>
    private static string? FieldsJson(IReadOnlyList<string> columns, IReadOnlyList<string?> fields)
        => fields.Count != columns.Count
            ? null // a settled record carries no fields
            : JsonText.Object(json =>
            {
                for (var i = 0; i < columns.Count; i++) json.WriteString(columns[i], fields[i]);
            }, JsonText.Relaxed);

    private DateTime NextTimestamp()
    {
        var micros = _clock.GetUtcNow().UtcTicks / 10;
        _lastMicros = Math.Max(micros, _lastMicros + 1);
        return new DateTime(_lastMicros * 10, DateTimeKind.Utc);
    }

    /// <summary>One caller's rows, waiting for the commit that holds them.</summary>
    private sealed class PendingAppend(string runId, string destination, string audience, string? channel, IReadOnlyList<string>? columns, string batchId,
        string @event, IReadOnlyList<RecordOutcome> rows)
    {
        /// <summary>The export columns, for intents written with a request: their fields are kept.</summary>
        public IReadOnlyList<string>? Columns => columns;

        public string RunId => runId;

        public string Destination => destination;

        public string Audience => audience;

        public string? Channel => channel;

        public string BatchId => batchId;

        public string Event => @event;

        public IReadOnlyList<RecordOutcome> Rows => rows;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal static string StatusName(RecordStatus status) => status switch
    {
        RecordStatus.Accepted => "accepted",
        RecordStatus.Rejected => "rejected",
        RecordStatus.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Bug: unknown record status."),
    };
}
