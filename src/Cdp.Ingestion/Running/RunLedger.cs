using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Lake;

namespace Cdp.Ingestion.Running;

/// <summary>
/// The run ledger <c>&lt;lake&gt;/bronze/_ingest_runs</c>: one row per file a run landed or failed on (source, file,
/// app id, batch, status, rows read / landed / quarantined, bytes, started, finished, error). It is written once
/// per source at the end of the source. The data commits are the truth; the ledger is derived from them: a file
/// whose data commit exists but whose ledger row does not (the process died in between) gets its row, with status
/// <c>recovered</c>, from the counts the data commit recorded in its commitInfo.
/// </summary>
internal sealed class RunLedger(LakeSession lake, string tableUri)
{
    private const string Columns =
        "source, file, app_id, batch_id, status, rows_read, rows_landed, rows_quarantined, bytes, started_at, finished_at, error";

    public string TableUri { get; } = tableUri;

    /// <summary>
    /// The ledger's app_id of one run of a PostgreSQL source: the txn appId is the same for every run (its version is
    /// the run number), so the ledger names the run as <c>appId#run</c>.
    /// </summary>
    public static string RunKey(string appId, long run) => $"{appId}#{run.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Files committed to the source's table that the ledger does not list yet, rebuilt from the commits' commitInfo.</summary>
    public async Task<IReadOnlyList<FileResult>> RecoverAsync(string source, DeltaTable data, Snapshot? snapshot, CancellationToken ct)
    {
        if (snapshot is null) return [];
        var prefix = $"cdp-ingest/{source}/";
        var done = snapshot.AppTransactions.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => t.Key.EndsWith("/pg", StringComparison.Ordinal) ? RunKey(t.Key, t.Value.Version) : t.Key).ToHashSet(StringComparer.Ordinal);
        if (done.Count == 0) return [];
        var ledger = lake.OpenTable(TableUri);
        if (await ledger.TryGetSnapshotAsync(ct).ConfigureAwait(false) is { } ledgerSnapshot)
        {
            var scan = await lake.ScanAsync(TableUri, ledgerSnapshot, ct).ConfigureAwait(false);
            var recorded = await lake.Engine.QueryAsync(
                $"SELECT DISTINCT app_id FROM ({scan}) AS l WHERE source = {Sql.Literal(source)} AND status IN ('landed', 'recovered')", ct).ConfigureAwait(false);
            foreach (var row in recorded.Rows) done.Remove((string)row[0]!);
        }
        if (done.Count == 0) return [];
        var recovered = new List<FileResult>();
        foreach (var entry in await data.GetHistoryAsync(null, ct).ConfigureAwait(false))
        {
            var p = entry.OperationParameters;
            if (p is null) continue;
            // A file commit lists its files (several when small files were landed together); a PostgreSQL run's
            // commit names its one table read at the top level.
            IEnumerable<(JsonObject Info, Func<string, string> Key)> landed = p["ingestFiles"] is JsonArray list
                ? list.OfType<JsonObject>().Select(f => (f, (Func<string, string>)(name => name)))
                : [(p, name => "ingest" + char.ToUpperInvariant(name[0]) + name[1..])];
            foreach (var (f, key) in landed)
            {
                if (Text(f, key("appId")) is not { } appId) continue;
                if (p["ingestRunNumber"] is JsonValue run && run.TryGetValue<long>(out var n)) appId = RunKey(appId, n);
                if (!done.Remove(appId)) continue;
                recovered.Add(new FileResult(Text(f, key("file")) ?? "", appId, FileStatus.Landed, Number(f, key("rowsRead")), Number(f, key("rowsLanded")),
                    Number(f, key("rowsQuarantined")), Number(f, key("bytes")), Time(f, key("startedAt")) ?? entry.Timestamp,
                    Time(f, key("finishedAt")) ?? entry.Timestamp, Recovered: true));
            }
        }
        return recovered;
    }

    /// <summary>Appends the rows of one source's files (landed, recovered and failed; skipped files are not listed).</summary>
    public async Task WriteAsync(string source, string batchId, IEnumerable<FileResult> files, CancellationToken ct)
    {
        var rows = files.Where(f => f.Status != FileStatus.Skipped).Select(f =>
        {
            var status = f.Status == FileStatus.Failed ? "failed" : f.Recovered ? "recovered" : "landed";
            var batch = f.Recovered ? null : batchId;
            var error = f.Status == FileStatus.Failed ? f.Error : null;
            return $"({Sql.Literal(source)}, {Sql.Literal(f.File)}, {Sql.Literal(f.AppId)}, CAST({Sql.Literal(batch)} AS VARCHAR), {Sql.Literal(status)}, " +
                   $"{Sql.Literal(f.RowsRead)}::BIGINT, {Sql.Literal(f.RowsLanded)}::BIGINT, {Sql.Literal(f.RowsQuarantined)}::BIGINT, {Sql.Literal(f.Bytes)}::BIGINT, " +
                   $"{Timestamp(f.StartedAt)}, {Timestamp(f.FinishedAt)}, CAST({Sql.Literal(error)} AS VARCHAR))";
        }).ToList();
        if (rows.Count == 0) return;
        var sql = $"SELECT * FROM (VALUES {string.Join(", ", rows)}) AS r({Columns})";
        await lake.Writer.WriteAsync(lake.OpenTable(TableUri), sql, WriteMode.Append, new WriteOptions
        {
            TableName = "_ingest_runs",
            CommitInfo = new JsonObject { ["ingestSource"] = source, ["ingestBatchId"] = batchId },
        }, ct).ConfigureAwait(false);
    }

    private static string Timestamp(DateTimeOffset t)
        => $"CAST({Sql.Literal(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")} AS TIMESTAMPTZ)";

    private static string? Text(JsonObject p, string key) => p[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long Number(JsonObject p, string key) => p[key] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    private static DateTimeOffset? Time(JsonObject p, string key)
        => Text(p, key) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
}
