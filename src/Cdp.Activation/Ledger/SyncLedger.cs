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
/// are platform codes, never personal data. Each write is one append commit, so a killed process leaves either all of
/// a batch's rows or none.
/// </remarks>
public sealed class SyncLedger
{
    /// <summary>The table's name in the gold zone.</summary>
    public const string TableName = "sync_ledger";

    private readonly DuckDbEngine _engine;
    private readonly DeltaTable _table;
    private readonly DeltaWriter _writer;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
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

    /// <summary>
    /// Records that the batch's records are about to be sent, with the request's destination, audience and channel, and
    /// each record's fields as sent (the proof of what was sent, and what a later remove identifies the person by).
    /// </summary>
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
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var at = NextTimestamp().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";
            var staged = "__cdp_sync_ledger_" + Guid.NewGuid().ToString("N");
            await _engine.ExecuteAsync($"CREATE TEMP TABLE {staged}(person_id BIGINT, operation VARCHAR, status VARCHAR, reason VARCHAR, fingerprint VARCHAR, fields VARCHAR)", ct).ConfigureAwait(false);
            try
            {
                var n = rows.Count;
                await _engine.AppendAsync(staged, n,
                [
                    rows.Select(r => r.Record.PersonId).ToArray(),
                    rows.Select(r => (string?)SyncOperations.Name(r.Record.Operation)).ToArray(),
                    rows.Select(r => (string?)StatusName(r.Status)).ToArray(),
                    rows.Select(r => r.Reason).ToArray(),
                    rows.Select(r => (string?)r.Record.Fingerprint).ToArray(),
                    rows.Select(r => columns is null ? null : FieldsJson(columns, r.Record.Fields)).ToArray(),
                ], ct).ConfigureAwait(false);
                var sql = $"""
                    SELECT {Sql.Literal(runId)} AS run_id, {Sql.Literal(destination)} AS destination, {Sql.Literal(audience)} AS audience,
                           {Sql.Literal(batchId)} AS batch_id, {Sql.Literal(@event)} AS event, person_id, operation, status, reason, fingerprint,
                           CAST({Sql.Literal(at)} AS TIMESTAMPTZ) AS "at", CAST({Sql.Literal(channel)} AS VARCHAR) AS channel, fields
                    FROM {staged}
                    """;
                // Not cancellable once started: a half-done commit is impossible anyway, and a finished one must be known.
                await _writer.WriteAsync(_table, sql, WriteMode.Append, new WriteOptions { TableName = TableName }, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await _engine.ExecuteAsync($"DROP TABLE IF EXISTS {staged}", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Stored, never embedded in HTML: only what JSON itself requires is escaped (control characters, quotes, backslashes).
    private static readonly JsonWriterOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields as a JSON object keyed by column (every character escaped, so text of any kind survives).</summary>
    private static string? FieldsJson(IReadOnlyList<string> columns, IReadOnlyList<string?> fields)
    {
        if (fields.Count != columns.Count) return null; // a settled record carries no fields
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, RelaxedJson))
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Count; i++) json.WriteString(columns[i], fields[i]);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private DateTime NextTimestamp()
    {
        var micros = _clock.GetUtcNow().UtcTicks / 10;
        _lastMicros = Math.Max(micros, _lastMicros + 1);
        return new DateTime(_lastMicros * 10, DateTimeKind.Utc);
    }

    internal static string StatusName(RecordStatus status) => status switch
    {
        RecordStatus.Accepted => "accepted",
        RecordStatus.Rejected => "rejected",
        RecordStatus.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Bug: unknown record status."),
    };
}
