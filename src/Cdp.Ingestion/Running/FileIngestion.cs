using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Discovery;
using Cdp.Ingestion.Staging;
using Cdp.Lake;
using Cdp.Storage;

namespace Cdp.Ingestion.Running;

/// <summary>
/// Ingests files exactly once. The data commit carries one Delta <c>txn</c> per file it lands (appId from the file's
/// identity, version 1), so the commit that lands the rows is also the record that the files are done. Rejected rows
/// are committed to the quarantine table first, with the same txns, from inside the data write (after its files are
/// written, before its commit): a crash between the two commits re-reads the files, finds their quarantine already
/// committed and commits only the data. Ingestion is deterministic for a file's bytes, so the re-run splits the rows
/// the same way.
/// <para>
/// Small CSV and JSON-lines files (a folder of daily exports) are landed several to a commit: consecutive files whose
/// rows have the same columns and types are written by one DuckDB query into one commit, which is what a file-at-a-time
/// run would have produced, in a fraction of the commits. When such a batch cannot be written whole (a file does not
/// read as its sample said, it does not fit the table, or another run landed one of its files meanwhile), its files
/// are landed one at a time, which names the failing file and skips the landed ones.
/// </para>
/// </summary>
internal sealed partial class FileIngestion(LakeSession lake, string batchId)
{
    /// <summary>Files up to this size are batched, up to this many bytes a batch.</summary>
    public const long BatchBytes = 64L << 20;

    /// <summary>At most this many files a batch (each is one query of the batch's UNION ALL).</summary>
    public const int BatchFiles = 128;

    /// <summary>The files in order, cut into batches: consecutive small CSV or JSON-lines files together, any other file alone.</summary>
    public static IEnumerable<IReadOnlyList<SourceFile>> Batches(SourceFormat format, IReadOnlyList<SourceFile> files)
    {
        var batch = new List<SourceFile>();
        long bytes = 0;
        foreach (var file in files)
        {
            var batchable = format is SourceFormat.Csv or SourceFormat.JsonLines && file.Size < BatchBytes;
            if (batch.Count > 0 && (!batchable || batch.Count == BatchFiles || bytes + file.Size > BatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(file);
            bytes += file.Size;
            if (!batchable)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>
    /// Lands a batch of files, reporting each file's result as it is known. A file that cannot be ingested throws
    /// (named in the message) after the files before it were reported; the files after it are not read.
    /// </summary>
    public async Task IngestBatchAsync(SourceDefinition source, IReadOnlyList<SourceFile> files, DeltaTable data, DeltaTable quarantine,
        Action<long> onBytes, Action<FileResult> onResult, CancellationToken ct)
    {
        if (files.Count == 1)
        {
            onResult(await IngestAsync(source, files[0], data, quarantine, onBytes, ct).ConfigureAwait(false));
            return;
        }
        var prepared = new List<PreparedFile>();
        try
        {
            foreach (var file in files)
            {
                try
                {
                    prepared.Add(await PrepareAsync(source, file, onBytes, ct).ConfigureAwait(false));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // This file and the ones after it are landed one at a time, which reports the error properly.
                    break;
                }
            }
            var done = 0;
            foreach (var run in await RunsOfOneSchemaAsync(prepared, ct).ConfigureAwait(false))
            {
                IReadOnlyList<FileResult>? results = null;
                try
                {
                    results = await WriteAsync(source, run, data, quarantine, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SqlEngineException or BatchConflictException or DeltaException { Kind: DeltaErrorKind.SchemaMismatch })
                {
                    // Landed one at a time below.
                }
                if (results is null) break;
                foreach (var result in results) onResult(result);
                done += run.Count;
            }
            foreach (var file in files.Skip(done))
            {
                onResult(await IngestAsync(source, file, data, quarantine, onBytes, ct).ConfigureAwait(false));
            }
        }
        finally
        {
            foreach (var p in prepared) await p.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ingests one file; a JSON-lines file whose lines do not fit DuckDB's type sample is read again with types inferred from every line.</summary>
    public async Task<FileResult> IngestAsync(SourceDefinition source, SourceFile file, DeltaTable data, DeltaTable quarantine, Action<long> onBytes,
        CancellationToken ct)
    {
        var location = StorageUri.Redact(file.Location);
        try
        {
            await using var prepared = await PrepareAsync(source, file, onBytes, ct).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    return (await WriteAsync(source, [prepared], data, quarantine, ct).ConfigureAwait(false))![0];
                }
                catch (SqlEngineException) when (source.Format == SourceFormat.JsonLines && !prepared.FullSample)
                {
                    // A line beyond DuckDB's type sample did not fit the sampled types: infer from every line.
                    await prepared.ReprepareAsync(fullSample: true, ct).ConfigureAwait(false);
                }
            }
        }
        catch (SqlEngineException e)
        {
            throw new IngestException($"file '{location}' cannot be read as {Describe(source.Format)}: {SafeMessage(e.Message)}", e);
        }
        catch (DeltaException e) when (e.Kind == DeltaErrorKind.SchemaMismatch)
        {
            throw new IngestException($"file '{location}' does not fit the table: {e.Message} (declare the column's type under ingest.sources.{source.Name}.columns)", e);
        }
        catch (IngestException e) when (!e.Message.StartsWith("file '", StringComparison.Ordinal))
        {
            throw new IngestException($"file '{location}': {e.Message}", e);
        }
    }

    /// <summary>Stages one file and prepares the SELECT of its rows (types from DuckDB's sample).</summary>
    private async Task<PreparedFile> PrepareAsync(SourceDefinition source, SourceFile file, Action<long> onBytes, CancellationToken ct)
    {
        var prepared = new PreparedFile(lake.Engine, source, file, StorageUri.Redact(file.Location), batchId);
        try
        {
            var local = await file.Store.GetLocalPathAsync(file.Key, lake.Engine.CacheDirectory, ct).ConfigureAwait(false);
            var gzip = file.Key.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            switch (source.Format)
            {
                case SourceFormat.Csv:
                    prepared.Staged = await Task.Run(() => CsvStager.Stage(local, gzip, source, prepared.StagingDir, onBytes, ct), ct).ConfigureAwait(false);
                    break;
                case SourceFormat.JsonLines:
                    (prepared.Staged, prepared.Sampled) = await JsonLinesInput.StageAsync(lake.Engine, local, gzip, prepared.StagingDir, onBytes, ct).ConfigureAwait(false);
                    break;
                default:
                    onBytes(file.Size);
                    break;
            }
            prepared.Local = local;
            prepared.Gzip = gzip;
            await prepared.ReprepareAsync(fullSample: false, ct).ConfigureAwait(false);
            return prepared;
        }
        catch
        {
            await prepared.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The prepared files cut where the columns or types of their rows change.</summary>
    private async Task<IReadOnlyList<IReadOnlyList<PreparedFile>>> RunsOfOneSchemaAsync(IReadOnlyList<PreparedFile> files, CancellationToken ct)
    {
        var runs = new List<IReadOnlyList<PreparedFile>>();
        var run = new List<PreparedFile>();
        string? schema = null;
        foreach (var file in files)
        {
            var columns = file.Input.ReaderColumns ?? await lake.Engine.DescribeAsync(file.Input.DataSql, ct).ConfigureAwait(false);
            var next = string.Join("\n", columns.Select(c => $"{c.Name}\t{c.Type}"));
            if (run.Count > 0 && next != schema)
            {
                runs.Add(run);
                run = [];
            }
            run.Add(file);
            schema = next;
        }
        if (run.Count > 0) runs.Add(run);
        return runs;
    }

    /// <summary>
    /// Writes the files' rows in one commit, their rejects first in one quarantine commit. Null when another run
    /// landed one of several files meanwhile (nothing was written; land them one at a time).
    /// </summary>
    private async Task<IReadOnlyList<FileResult>?> WriteAsync(SourceDefinition source, IReadOnlyList<PreparedFile> files, DeltaTable data,
        DeltaTable quarantine, CancellationToken ct)
    {
        var entries = files.Select(f => new JsonObject
        {
            ["appId"] = f.AppId, ["file"] = f.Location, ["bytes"] = f.File.Size,
            ["startedAt"] = f.Started.ToString("O", CultureInfo.InvariantCulture),
        }).ToList();
        var info = new JsonObject
        {
            ["ingestSource"] = source.Name, ["ingestBatchId"] = batchId, ["ingestFiles"] = new JsonArray(entries.Cast<JsonNode>().ToArray()),
        };
        var counts = new (long Read, long Landed, long Quarantined)[files.Count];
        var appTransactions = files.Select(f => (f.AppId, 1L)).ToList();
        var options = new WriteOptions
        {
            AppTransactions = appTransactions,
            TableName = source.Name,
            CommitInfo = info,
            BeforeCommit = async (written, token) =>
            {
                // A crash between the two commits of an earlier run may have quarantined some of these files already.
                var quarantined = files.Count > 1 ? await quarantine.TryGetSnapshotAsync(token).ConfigureAwait(false) : null;
                var rejects = new List<string>();
                var rejectTxns = new List<(string, long)>();
                long toQuarantine = 0;
                for (var i = 0; i < files.Count; i++)
                {
                    var (rejectsSql, rejected) = await files[i].Input.CollectRejectsAsync(token).ConfigureAwait(false);
                    var read = files[i].Input.RecordsRead ?? written.Rows + rejected;
                    counts[i] = (read, read - rejected, rejected);
                    if (rejectsSql is null || quarantined?.AppTransactionVersion(files[i].AppId) is >= 1) continue;
                    rejects.Add($"SELECT {files[i].Lineage}, CAST(line AS BIGINT) AS {Sql.Identifier(Lineage.SourceLine)}, CAST(\"column\" AS VARCHAR) AS column_name, " +
                                $"CAST(reason AS VARCHAR) AS reason, CAST(raw AS VARCHAR) AS raw FROM ({rejectsSql}) AS q");
                    rejectTxns.Add((files[i].AppId, 1L));
                    toQuarantine += rejected;
                }
                var landed = counts.Sum(c => c.Landed);
                if (landed != written.Rows)
                    throw new InvalidOperationException($"Bug: {Describe(files)}: {counts.Sum(c => c.Read)} records read and {counts.Sum(c => c.Quarantined)} " +
                                                        $"rejected, but {written.Rows} landed.");
                if (rejects.Count > 0)
                {
                    var q = await lake.Writer.WriteAsync(quarantine, string.Join(" UNION ALL ", rejects), WriteMode.Append, new WriteOptions
                    {
                        AppTransactions = rejectTxns,
                        TableName = "_quarantine_" + source.Name,
                        CommitInfo = new JsonObject { ["ingestAppIds"] = new JsonArray(rejectTxns.Select(t => (JsonNode)t.Item1).ToArray()), ["ingestBatchId"] = batchId },
                    }, token).ConfigureAwait(false);
                    // Several files: another run quarantined one of them meanwhile, and is landing it.
                    if (q.AlreadyCommitted && files.Count > 1) throw new BatchConflictException();
                    if (!q.AlreadyCommitted && q.RowsWritten != toQuarantine)
                        throw new InvalidOperationException($"Bug: {Describe(files)}: {toQuarantine} rejects counted but {q.RowsWritten} quarantined.");
                }
                var finished = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                for (var i = 0; i < files.Count; i++)
                {
                    entries[i]["rowsRead"] = counts[i].Read;
                    entries[i]["rowsLanded"] = counts[i].Landed;
                    entries[i]["rowsQuarantined"] = counts[i].Quarantined;
                    entries[i]["finishedAt"] = finished;
                }
            },
        };
        var dataSql = string.Join(" UNION ALL ", files.Select(f => f.Input.DataSql));
        var result = await lake.Writer.WriteAsync(data, dataSql, WriteMode.Append, options, ct).ConfigureAwait(false);
        if (result.AlreadyCommitted)
        {
            // Committed by another run meanwhile: that run reports the rows.
            if (files.Count > 1) return null;
            return [new FileResult(files[0].Location, files[0].AppId, FileStatus.Skipped, 0, 0, 0, files[0].File.Size, files[0].Started, DateTimeOffset.UtcNow)];
        }
        var now = DateTimeOffset.UtcNow;
        return files.Select((f, i) => new FileResult(f.Location, f.AppId, FileStatus.Landed, counts[i].Read, counts[i].Landed, counts[i].Quarantined,
            f.File.Size, f.Started, now)).ToList();
    }

    private static string Describe(IReadOnlyList<PreparedFile> files)
        => files.Count == 1 ? $"file '{files[0].Location}'" : $"{files.Count} files from '{files[0].Location}'";

    private static string Describe(SourceFormat format) => format switch
    {
        SourceFormat.Csv => "CSV",
        SourceFormat.JsonLines => "JSON lines",
        _ => "Parquet",
    };

    /// <summary>The engine's first line, with quoted literals (which may be row values) blanked.</summary>
    internal static string SafeMessage(string message) => SingleQuoted().Replace(message.Split('\n')[0].Trim(), "'…'");

    [GeneratedRegex("'[^']*'")]
    private static partial Regex SingleQuoted();

    /// <summary>Another run quarantined one of a batch's files while this one was writing it.</summary>
    private sealed class BatchConflictException() : Exception("another run is landing one of the batch's files");

    /// <summary>A file staged (in its own temporary folder) and its SELECT prepared; disposing it removes both.</summary>
    private sealed class PreparedFile(DuckDbEngine engine, SourceDefinition source, SourceFile file, string location, string batchId) : IAsyncDisposable
    {
        public SourceFile File { get; } = file;

        public string Location { get; } = location;

        public string AppId { get; } = file.AppId(source.Name);

        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

        /// <summary>The staged copy's folder; a gzip input's copy has no size bound, so it is not staged in memory.</summary>
        public string StagingDir { get; } = StagingFolders.Create(
            source.Format == SourceFormat.Parquet || file.Key.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? null : file.Size);

        public string Lineage => Ingestion.Lineage.Constants(Started, Location, batchId);

        public StagedInput? Staged { get; set; }

        public JsonSample? Sampled { get; set; }

        public string Local { get; set; } = "";

        public bool Gzip { get; set; }

        public bool FullSample { get; private set; }

        public PreparedInput Input { get; private set; } = null!;

        /// <summary>Prepares the SELECT again (after dropping the previous one's helper tables).</summary>
        public async Task ReprepareAsync(bool fullSample, CancellationToken ct)
        {
            if (Input is not null) await Input.CleanupAsync().ConfigureAwait(false);
            Input = null!;
            FullSample = fullSample;
            Input = source.Format switch
            {
                SourceFormat.Csv => CsvInput.Prepare(engine, source, Staged!, Lineage, Guid.NewGuid().ToString("N")[..12]),
                SourceFormat.JsonLines => await JsonLinesInput.PrepareAsync(engine, source, Staged!, Sampled, Local, Gzip, Lineage, fullSample, ct).ConfigureAwait(false),
                _ => await ParquetInput.PrepareAsync(engine, source, Local, Lineage, ct).ConfigureAwait(false),
            };
        }

        public async ValueTask DisposeAsync()
        {
            if (Input is not null) await Input.CleanupAsync().ConfigureAwait(false);
            try
            {
                Directory.Delete(StagingDir, recursive: true);
            }
            catch (IOException)
            {
                // a leftover temp folder is harmless
            }
        }
    }
}
