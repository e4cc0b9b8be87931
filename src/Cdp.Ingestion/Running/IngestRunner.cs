using System.Diagnostics;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;
using Cdp.Ingestion.Discovery;
using Cdp.Lake;
using Cdp.Storage;

namespace Cdp.Ingestion.Running;

/// <summary>
/// Runs ingestion for sources, one after the other, on one lake session: lists each source's files, skips those
/// already committed, lands the others into <c>bronze/&lt;source&gt;</c> (bad rows into
/// <c>bronze/_quarantine/&lt;source&gt;</c>) and records them in <c>bronze/_ingest_runs</c>. A source that fails
/// stops at the failing file and is reported; the other sources still run.
/// </summary>
public sealed class IngestRunner
{
    private readonly LakeSession _lake;
    private readonly string _lakeUri;

    public IngestRunner(LakeSession lake, string lakeUri)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentException.ThrowIfNullOrWhiteSpace(lakeUri);
        _lake = lake;
        _lakeUri = lakeUri.TrimEnd('/');
    }

    /// <summary>Test hook: runs inside a PostgreSQL source's data write, after its files are written, before its commit.</summary>
    internal Func<CancellationToken, Task>? BeforePostgresCommit { get; set; }

    /// <summary>The bronze table of a source.</summary>
    public string TableUri(string source) => $"{_lakeUri}/bronze/{source}";

    /// <summary>The quarantine table of a source.</summary>
    public string QuarantineUri(string source) => $"{_lakeUri}/bronze/_quarantine/{source}";

    /// <summary>The run ledger.</summary>
    public string LedgerUri => $"{_lakeUri}/bronze/_ingest_runs";

    public async Task<IngestRunResult> RunAsync(IReadOnlyList<SourceDefinition> sources, IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var batchId = $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}";
        var results = new List<SourceResult>();
        StagingFolders.RemoveAbandoned();
        // Row order within a file need not be kept (_source_line records it); keeping it makes DuckDB buffer
        // out-of-order batches while writing Parquet, which costs memory and time on large files.
        await _lake.Engine.ExecuteAsync("SET preserve_insertion_order = false", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var source in sources)
            {
                results.Add(await RunSourceAsync(source, batchId, progress, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            await _lake.Engine.ExecuteAsync("RESET preserve_insertion_order", CancellationToken.None).ConfigureAwait(false);
        }
        return new IngestRunResult(batchId, _lakeUri, results);
    }

    private async Task<SourceResult> RunSourceAsync(SourceDefinition source, string batchId, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var files = new List<FileResult>();
        var ledger = new RunLedger(_lake, LedgerUri);
        string? error = null;
        try
        {
            if (source.Format == SourceFormat.Postgres)
            {
                var table = _lake.OpenTable(TableUri(source.Name));
                var current = await table.TryGetSnapshotAsync(ct).ConfigureAwait(false);
                files.AddRange(await ledger.RecoverAsync(source.Name, table, current, ct).ConfigureAwait(false));
                progress?.Report(new IngestProgress(source.Name, 0, 1, 0, 0, 0));
                try
                {
                    files.Add(await new PostgresIngestion(_lake, batchId, BeforePostgresCommit).IngestAsync(source, table, current, ct).ConfigureAwait(false));
                }
                catch (Exception e) when (IsFailure(e))
                {
                    error = $"source '{source.Name}': {Message(e)}";
                    files.Add(new FileResult(PostgresIngestion.LocationOf(source), PostgresIngestion.AppId(source.Name),
                        FileStatus.Failed, 0, 0, 0, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, error));
                }
                progress?.Report(new IngestProgress(source.Name, 1, 1, files.Sum(f => f.RowsRead), 0, 0));
            }
            else
            {
                var listed = await FileDiscovery.ListAsync(source.Path, _lake.Store, ct).ConfigureAwait(false);
                var data = _lake.OpenTable(TableUri(source.Name));
                var quarantine = _lake.OpenTable(QuarantineUri(source.Name));
                var snapshot = await data.TryGetSnapshotAsync(ct).ConfigureAwait(false);
                files.AddRange(await ledger.RecoverAsync(source.Name, data, snapshot, ct).ConfigureAwait(false));
                var todo = listed.Where(f => snapshot?.AppTransactionVersion(f.AppId(source.Name)) is not >= 1).ToList();
                var bytesTotal = todo.Sum(f => f.Size);
                long rows = 0, bytes = 0, lastReport = 0;
                var done = listed.Count - todo.Count;
                progress?.Report(new IngestProgress(source.Name, done, listed.Count, 0, 0, bytesTotal));
                foreach (var file in listed.Except(todo))
                {
                    files.Add(new FileResult(StorageUri.Redact(file.Location), file.AppId(source.Name), FileStatus.Skipped, 0, 0, 0, file.Size, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
                }
                var ingestion = new FileIngestion(_lake, batchId);
                foreach (var batch in FileIngestion.Batches(source.Format, todo))
                {
                    var before = bytes;
                    var reported = new HashSet<SourceFile>();
                    void OnBytes(long n)
                    {
                        bytes += n;
                        if (bytes - lastReport < 16 << 20) return;
                        lastReport = bytes;
                        progress?.Report(new IngestProgress(source.Name, done, listed.Count, rows, bytes, bytesTotal));
                    }
                    void OnResult(FileResult result)
                    {
                        reported.Add(batch.First(f => !reported.Contains(f)));
                        files.Add(result);
                        rows += result.RowsRead;
                        done++;
                        progress?.Report(new IngestProgress(source.Name, done, listed.Count, rows, bytes, bytesTotal));
                    }
                    try
                    {
                        await ingestion.IngestBatchAsync(source, batch, data, quarantine, OnBytes, OnResult, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (IsFailure(e))
                    {
                        // The batch's files are reported in order: the failing one is the first not reported.
                        var file = batch.First(f => !reported.Contains(f));
                        error = $"source '{source.Name}': {Message(e)}";
                        files.Add(new FileResult(StorageUri.Redact(file.Location), file.AppId(source.Name), FileStatus.Failed, 0, 0, 0, file.Size,
                            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, error));
                        done++;
                        progress?.Report(new IngestProgress(source.Name, done, listed.Count, rows, bytes, bytesTotal));
                        break;
                    }
                    finally
                    {
                        bytes = before + batch.Sum(f => f.Size);
                    }
                }
            }
        }
        catch (Exception e) when (IsFailure(e))
        {
            error = $"source '{source.Name}': {Message(e)}";
        }
        try
        {
            await ledger.WriteAsync(source.Name, batchId, files, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e))
        {
            error ??= $"source '{source.Name}': the run ledger could not be written: {Message(e)}";
        }
        return new SourceResult(source.Name, TableUri(source.Name), files, clock.Elapsed, error);
    }

    private static bool IsFailure(Exception e)
        => e is IngestException or LakeException or DeltaException or SqlEngineException or IOException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException;

    private static string Message(Exception e) => e is SqlEngineException ? FileIngestion.SafeMessage(e.Message) : e.Message;
}
