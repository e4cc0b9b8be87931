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
/// Ingests one file exactly once. The data commit carries the Delta <c>txn</c> (appId from the file's identity,
/// version 1), so the commit that lands the rows is also the record that the file is done. Rejected rows are
/// committed to the quarantine table first, with the same txn, from inside the data write (after its files are
/// written, before its commit): a crash between the two commits re-reads the file, finds the quarantine already
/// committed and commits only the data. Ingestion is deterministic for a file's bytes, so the re-run splits the rows
/// the same way.
/// </summary>
internal sealed partial class FileIngestion(LakeSession lake, string batchId)
{
    public async Task<FileResult> IngestAsync(SourceDefinition source, SourceFile file, DeltaTable data, DeltaTable quarantine, Action<long> onBytes,
        CancellationToken ct)
    {
        var appId = file.AppId(source.Name);
        var started = DateTimeOffset.UtcNow;
        var location = StorageUri.Redact(file.Location);
        var staging = Directory.CreateTempSubdirectory("cdp-ingest-").FullName;
        try
        {
            var local = await file.Store.GetLocalPathAsync(file.Key, lake.Engine.CacheDirectory, ct).ConfigureAwait(false);
            var gzip = file.Key.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            var lineage = Lineage.Constants(started, location, batchId);
            IReadOnlyList<ResultColumn>? sampled = null;
            var staged = source.Format switch
            {
                SourceFormat.Csv => await Task.Run(() => CsvStager.Stage(local, gzip, source, staging, onBytes, ct), ct).ConfigureAwait(false),
                SourceFormat.JsonLines => await StageJsonLinesAsync().ConfigureAwait(false),
                _ => null,
            };
            async Task<StagedInput> StageJsonLinesAsync()
            {
                (var input, sampled) = await JsonLinesInput.StageAsync(lake.Engine, local, gzip, staging, onBytes, ct).ConfigureAwait(false);
                return input;
            }
            if (staged is null) onBytes(file.Size);
            for (var fullSample = false; ; fullSample = true)
            {
                var input = source.Format switch
                {
                    SourceFormat.Csv => CsvInput.Prepare(lake.Engine, source, staged!, lineage, Guid.NewGuid().ToString("N")[..12]),
                    SourceFormat.JsonLines => await JsonLinesInput.PrepareAsync(lake.Engine, source, staged!, sampled, local, gzip, lineage, fullSample, ct).ConfigureAwait(false),
                    _ => await ParquetInput.PrepareAsync(lake.Engine, source, local, lineage, ct).ConfigureAwait(false),
                };
                try
                {
                    return await WriteAsync(source, file, appId, location, lineage, started, input, data, quarantine, ct).ConfigureAwait(false);
                }
                catch (SqlEngineException) when (source.Format == SourceFormat.JsonLines && !fullSample)
                {
                    // A line beyond DuckDB's type sample did not fit the sampled types: infer from every line.
                }
                finally
                {
                    await input.CleanupAsync().ConfigureAwait(false);
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
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // a leftover temp folder is harmless
            }
        }
    }

    private async Task<FileResult> WriteAsync(SourceDefinition source, SourceFile file, string appId, string location, string lineage, DateTimeOffset started,
        PreparedInput input, DeltaTable data, DeltaTable quarantine, CancellationToken ct)
    {
        var info = new JsonObject
        {
            ["ingestAppId"] = appId, ["ingestSource"] = source.Name, ["ingestFile"] = location, ["ingestBatchId"] = batchId,
            ["ingestStartedAt"] = started.ToString("O", CultureInfo.InvariantCulture), ["ingestBytes"] = file.Size,
        };
        long read = 0, landed = 0, quarantined = 0;
        var options = new WriteOptions
        {
            AppTransaction = (appId, 1),
            TableName = source.Name,
            CommitInfo = info,
            BeforeCommit = async (written, token) =>
            {
                var (rejectsSql, rejected) = await input.CollectRejectsAsync(token).ConfigureAwait(false);
                read = input.RecordsRead ?? written.Rows + rejected;
                if (read != written.Rows + rejected)
                    throw new InvalidOperationException($"Bug: file '{location}': {read} records read, but {written.Rows} landed and {rejected} quarantined.");
                if (rejectsSql is not null)
                {
                    var sql = $"SELECT {lineage}, CAST(line AS BIGINT) AS {Sql.Identifier(Lineage.SourceLine)}, CAST(\"column\" AS VARCHAR) AS column_name, " +
                              $"CAST(reason AS VARCHAR) AS reason, CAST(raw AS VARCHAR) AS raw FROM ({rejectsSql}) AS q";
                    var q = await lake.Writer.WriteAsync(quarantine, sql, WriteMode.Append, new WriteOptions
                    {
                        AppTransaction = (appId, 1),
                        TableName = "_quarantine_" + source.Name,
                        CommitInfo = new JsonObject { ["ingestAppId"] = appId, ["ingestFile"] = location, ["ingestBatchId"] = batchId },
                    }, token).ConfigureAwait(false);
                    if (!q.AlreadyCommitted && q.RowsWritten != rejected)
                        throw new InvalidOperationException($"Bug: file '{location}': {rejected} rejects counted but {q.RowsWritten} quarantined.");
                }
                landed = written.Rows;
                quarantined = rejected;
                info["ingestRowsRead"] = read;
                info["ingestRowsLanded"] = landed;
                info["ingestRowsQuarantined"] = quarantined;
                info["ingestFinishedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            },
        };
        var result = await lake.Writer.WriteAsync(data, input.DataSql, WriteMode.Append, options, ct).ConfigureAwait(false);
        // Committed by another run meanwhile: that run reports the rows.
        if (result.AlreadyCommitted) return new FileResult(location, appId, FileStatus.Skipped, 0, 0, 0, file.Size, started, DateTimeOffset.UtcNow);
        return new FileResult(location, appId, FileStatus.Landed, read, landed, quarantined, file.Size, started, DateTimeOffset.UtcNow);
    }

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
}
