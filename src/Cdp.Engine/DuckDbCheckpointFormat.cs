using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Storage;

namespace Cdp.Engine;

/// <summary>
/// Checkpoint Parquet through DuckDB: each action column is read back as JSON and parsed by the same code as
/// commit files; writes go through DuckDB's JSON reader with the checkpoint schema, so maps and structs are typed.
/// </summary>
public sealed class DuckDbCheckpointFormat : ICheckpointFormat
{
    private static readonly string[] ActionColumns = ["txn", "add", "remove", "metaData", "protocol"];

    private const string CheckpointColumns =
        "{txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)', " +
        "add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP(VARCHAR, VARCHAR))', " +
        "remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)', " +
        "metaData: 'STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)', " +
        "protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])'}";

    private readonly DuckDbEngine _engine;

    public DuckDbCheckpointFormat(DuckDbEngine engine) => _engine = engine;

    public async Task<IReadOnlyList<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> parts, CancellationToken cancellationToken)
    {
        var actions = new List<DeltaAction>();
        var cache = Path.Combine(_engine.CacheDirectory, SnapshotScan.Hash(store.Location));
        foreach (var part in parts)
        {
            var local = await store.GetLocalPathAsync(part.Key, cache, cancellationToken).ConfigureAwait(false);
            var source = $"read_parquet({Sql.Literal(local)})";
            QueryResult rows;
            try
            {
                var present = (await _engine.DescribeAsync($"SELECT * FROM {source}", cancellationToken).ConfigureAwait(false)).Select(c => c.Name).ToHashSet();
                var columns = ActionColumns.Where(present.Contains).ToList();
                if (columns.Count == 0) throw DeltaErrors.MalformedCheckpoint(part.Key, "it has none of the columns txn, add, remove, metaData, protocol");
                rows = await _engine.QueryAsync(
                    $"SELECT {string.Join(", ", columns.Select(c => $"to_json({Sql.Identifier(c)})"))} FROM {source}", cancellationToken).ConfigureAwait(false);
                foreach (var row in rows.Rows)
                {
                    for (var i = 0; i < columns.Count; i++)
                    {
                        if (row[i] is not string json) continue;
                        var node = JsonNode.Parse(json);
                        if (node is null) continue;
                        if (ActionCodec.ParseAction(new JsonObject { [columns[i]] = node }) is { } action) actions.Add(action);
                    }
                }
            }
            catch (SqlEngineException e)
            {
                throw DeltaErrors.MalformedCheckpoint(part.Key, e.Message, e);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw DeltaErrors.MalformedCheckpoint(part.Key, e.Message, e);
            }
        }
        return actions;
    }

    public async Task WriteAsync(IObjectStore store, string key, IReadOnlyList<DeltaAction> actions, StructType tableSchema, CancellationToken cancellationToken)
    {
        var staging = store.CreateStagingDirectory();
        try
        {
            var jsonPath = Path.Combine(staging, "actions.json");
            await File.WriteAllBytesAsync(jsonPath, ActionCodec.SerializeCommit(actions.Where(a => a is not CommitInfo and not UnknownAction)), cancellationToken).ConfigureAwait(false);
            var parquetPath = Path.Combine(staging, "checkpoint.parquet");
            await _engine.ExecuteAsync(
                $"COPY (SELECT txn, add, remove, metaData, protocol FROM read_json({Sql.Literal(jsonPath)}, format = 'newline_delimited', columns = {CheckpointColumns})) " +
                $"TO {Sql.Literal(parquetPath)} (FORMAT parquet)", cancellationToken).ConfigureAwait(false);
            await store.UploadFileAsync(key, parquetPath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(staging);
        }
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the next clean-up
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
