using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Delta.Transactions;

namespace Cdp.Engine;

/// <summary>
/// Writes query results to Delta tables: append, overwrite (whole or by partition predicate), delete by predicate
/// and merge by key. Data files are written first under fresh names; the commit then makes them visible atomically.
/// A write that loses a conflicting race is recomputed against the new version (bounded); one that cannot be is an error.
/// </summary>
public sealed class DeltaWriter
{
    private readonly DuckDbEngine _engine;
    private readonly DataFileWriter _files;

    public DeltaWriter(DuckDbEngine engine)
    {
        _engine = engine;
        _files = new DataFileWriter(engine);
    }

    /// <summary>Appends or overwrites with the rows of <paramref name="sourceSql"/>.</summary>
    public Task<WriteResult> WriteAsync(DeltaTable table, string sourceSql, WriteMode mode, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WriteOptions();
        return WithRetriesAsync(table, options.ConflictRetries, (snapshot, ct) => WriteOnceAsync(table, snapshot, sourceSql, mode, options, ct), cancellationToken);
    }

    /// <summary>Deletes the rows matching <paramref name="predicateSql"/> by rewriting the files that hold them.</summary>
    public Task<WriteResult> DeleteAsync(DeltaTable table, string predicateSql, CancellationToken cancellationToken = default)
        => WithRetriesAsync(table, 5, async (snapshot, ct) =>
        {
            var current = snapshot ?? throw DeltaErrors.NotATable(table.Location);
            var scan = await SnapshotScan.BuildAsync(_engine, table.Store, current, withFileColumn: true, cancellationToken: ct).ConfigureAwait(false);
            var touched = await TouchedFilesAsync($"SELECT DISTINCT {SnapshotScan.FileColumn} FROM ({scan}) AS t WHERE ({predicateSql}) IS TRUE", current, ct).ConfigureAwait(false);
            var txn = table.StartTransaction(current, "DELETE");
            txn.ReadScope = ReadScope.WholeTable;
            txn.Parameters["predicate"] = predicateSql;
            if (touched.Count == 0) return new WriteResult(current.Version, 0, 0, 0, 0, false, 1);

            var touchedScan = await SnapshotScan.BuildAsync(_engine, table.Store, current, onlyFiles: touched, cancellationToken: ct).ConfigureAwait(false);
            var before = touched.Sum(f => Delta.Stats.FileStatistics.TryParse(f.Stats)?.NumRecords ?? 0);
            var written = await _files.WriteAsync(table.Store, $"SELECT * FROM ({touchedScan}) AS t WHERE NOT (({predicateSql}) IS TRUE)",
                current.Schema, current.PartitionColumns, ct).ConfigureAwait(false);
            foreach (var f in touched) txn.Remove(f);
            foreach (var f in written.Files) txn.Add(f);
            var deleted = before - written.Rows;
            txn.Metrics["numRemovedFiles"] = touched.Count;
            txn.Metrics["numAddedFiles"] = written.Files.Count;
            txn.Metrics["numDeletedRows"] = deleted;
            return await CommitAsync(table, txn, written, 0, touched.Count, deleted, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Upserts the rows of <paramref name="sourceSql"/> by <paramref name="keys"/>: rows whose key exists replace the
    /// old row, others are inserted. Files holding a matched key are rewritten (copy-on-write). A key appearing twice
    /// in the source is an error, as it would make the result depend on row order.
    /// </summary>
    public Task<WriteResult> MergeAsync(DeltaTable table, string sourceSql, IReadOnlyList<string> keys, WriteOptions? options = null, CancellationToken cancellationToken = default)
        => ReplaceByKeysAsync(table, sourceSql, keys, rejectDuplicateKeys: true, "MERGE", options, cancellationToken);

    /// <summary>
    /// Deletes every row whose key appears in <paramref name="sourceSql"/> and inserts all the source rows, in one
    /// commit (dbt's delete+insert). Unlike <see cref="MergeAsync"/>, a key may appear several times in the source.
    /// </summary>
    public Task<WriteResult> DeleteInsertAsync(DeltaTable table, string sourceSql, IReadOnlyList<string> keys, WriteOptions? options = null, CancellationToken cancellationToken = default)
        => ReplaceByKeysAsync(table, sourceSql, keys, rejectDuplicateKeys: false, "DELETE+INSERT", options, cancellationToken);

    private Task<WriteResult> ReplaceByKeysAsync(DeltaTable table, string sourceSql, IReadOnlyList<string> keys, bool rejectDuplicateKeys, string operation,
        WriteOptions? options, CancellationToken cancellationToken)
    {
        options ??= new WriteOptions();
        if (keys.Count == 0) throw DeltaErrors.InvalidArgument($"A {operation.ToLowerInvariant()} needs at least one key column.");
        return WithRetriesAsync(table, options.ConflictRetries, async (snapshot, ct) =>
        {
            if (snapshot is null) return await WriteOnceAsync(table, null, sourceSql, WriteMode.Append, options, ct).ConfigureAwait(false);
            var input = SchemaReconciler.FromColumns(await _engine.DescribeAsync(sourceSql, ct).ConfigureAwait(false), table.Location);
            var schema = SchemaReconciler.Merge(snapshot.Schema, input, options.MergeSchema, table.Location);
            foreach (var key in keys)
            {
                if (schema.Find(key) is null || input.Find(key) is null)
                    throw DeltaErrors.SchemaMismatch(table.Location, $"merge key '{key}' must be a column of both the table and the input");
            }
            string On(string alias) => string.Join(" AND ", keys.Select(k => $"{alias}.{Sql.Identifier(k)} = s.{Sql.Identifier(k)}"));
            var on = On("t");
            var source = $"__cdp_merge_{Guid.NewGuid():N}";
            await _engine.ExecuteAsync($"CREATE TEMP TABLE {source} AS SELECT {SchemaReconciler.Projection(schema, input)} FROM ({sourceSql}) AS src", ct).ConfigureAwait(false);
            try
            {
                if (rejectDuplicateKeys)
                {
                    var keyColumns = string.Join(", ", keys.Select(Sql.Identifier));
                    var duplicates = await _engine.QueryAsync(
                        $"SELECT count(*) FROM (SELECT 1 FROM {source} GROUP BY {keyColumns} HAVING count(*) > 1)", ct).ConfigureAwait(false);
                    // The key values may be personal data: the message gives their count, never the values.
                    if (Convert.ToInt64(duplicates.Scalar, System.Globalization.CultureInfo.InvariantCulture) is var dupes and > 0)
                        throw DeltaErrors.InvalidArgument($"Merge into '{table.Location}': {dupes} key value(s) of ({string.Join(", ", keys)}) appear more than once in the source; deduplicate it first.");
                }

                var scan = await SnapshotScan.BuildAsync(_engine, table.Store, snapshot, withFileColumn: true, cancellationToken: ct).ConfigureAwait(false);
                var touched = await TouchedFilesAsync(
                    $"SELECT DISTINCT t.{SnapshotScan.FileColumn} FROM ({scan}) AS t SEMI JOIN {source} AS s ON {on}", snapshot, ct).ConfigureAwait(false);
                var kept = "SELECT NULL WHERE false";
                if (touched.Count > 0)
                {
                    var touchedScan = await SnapshotScan.BuildAsync(_engine, table.Store, snapshot, onlyFiles: touched, cancellationToken: ct).ConfigureAwait(false);
                    kept = $"SELECT {SchemaReconciler.Projection(schema, snapshot.Schema)} FROM ({touchedScan}) AS src ANTI JOIN {source} AS s ON {On("src")}";
                }
                var rows = touched.Count > 0 ? $"{kept} UNION ALL BY NAME SELECT * FROM {source}" : $"SELECT * FROM {source}";
                var written = await _files.WriteAsync(table.Store, $"SELECT * FROM ({rows})", schema, snapshot.PartitionColumns, ct).ConfigureAwait(false);

                var txn = table.StartTransaction(snapshot, operation);
                txn.ReadScope = ReadScope.WholeTable;
                txn.Parameters["predicate"] = on;
                if (!schema.Equals(snapshot.Schema)) txn.UpdateMetadata(snapshot.Metadata with { SchemaString = SchemaJson.Print(schema) });
                foreach (var f in touched) txn.Remove(f);
                foreach (var f in written.Files) txn.Add(f);
                ApplyCommitInfo(txn, options);
                txn.Metrics["numTargetFilesRemoved"] = touched.Count;
                txn.Metrics["numTargetFilesAdded"] = written.Files.Count;
                return await CommitAsync(table, txn, written, written.Rows, touched.Count, 0, ct).ConfigureAwait(false);
            }
            finally
            {
                await _engine.ExecuteAsync($"DROP TABLE IF EXISTS {source}", CancellationToken.None).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    private async Task<WriteResult> WriteOnceAsync(DeltaTable table, Snapshot? snapshot, string sourceSql, WriteMode mode, WriteOptions options, CancellationToken ct)
    {
        if (snapshot is not null && options.AppTransactions.Any(app => snapshot.AppTransactionVersion(app.AppId) is { } done && done >= app.Version))
            return new WriteResult(snapshot.Version, 0, 0, 0, 0, AlreadyCommitted: true, 1);

        var input = SchemaReconciler.FromColumns(await _engine.DescribeAsync(sourceSql, ct).ConfigureAwait(false), table.Location);
        var replaceSchema = snapshot is null || (mode == WriteMode.Overwrite && options.OverwriteSchema);
        var schema = replaceSchema ? input : SchemaReconciler.Merge(snapshot!.Schema, input, options.MergeSchema, table.Location);
        var partitionBy = replaceSchema
            ? options.PartitionBy.Select(p => schema.Find(p)?.Name ?? p).ToList()
            : snapshot!.PartitionColumns.ToList();
        if (!replaceSchema && options.PartitionBy.Count > 0 && !options.PartitionBy.SequenceEqual(partitionBy, StringComparer.OrdinalIgnoreCase))
            throw DeltaErrors.SchemaMismatch(table.Location, $"the table is partitioned by [{string.Join(", ", partitionBy)}], not [{string.Join(", ", options.PartitionBy)}]");
        SchemaReconciler.ValidatePartitionColumns(schema, partitionBy, table.Location);

        var txn = table.StartTransaction(snapshot, "WRITE");
        txn.Parameters["mode"] = mode.ToString();
        txn.Parameters["partitionBy"] = new JsonArray(partitionBy.Select(p => (JsonNode)p).ToArray()).ToJsonString();
        foreach (var (appId, version) in options.AppTransactions) txn.SetAppTransaction(appId, version);

        if (snapshot is null)
        {
            txn.UpdateProtocol(Protocol.Default);
            txn.UpdateMetadata(new Metadata(Guid.NewGuid().ToString(), options.TableName, null, "parquet", new Dictionary<string, string>(),
                SchemaJson.Print(schema), partitionBy, options.Properties, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }
        else if (!schema.Equals(snapshot.Schema) || !partitionBy.SequenceEqual(snapshot.PartitionColumns))
        {
            txn.UpdateMetadata(snapshot.Metadata with { SchemaString = SchemaJson.Print(schema), PartitionColumns = partitionBy });
        }

        var removed = new List<AddFile>();
        if (mode == WriteMode.Overwrite && snapshot is not null)
        {
            if (snapshot.AppendOnly) throw DeltaErrors.AppendOnly(table.Location, "overwrite");
            if (options.ReplaceWhere is { } where)
            {
                removed = await PartitionsMatchingAsync(snapshot, where, ct).ConfigureAwait(false);
                var violating = await _engine.QueryAsync($"SELECT count(*) FROM ({sourceSql}) AS src WHERE NOT (({where}) IS TRUE)", ct).ConfigureAwait(false);
                if (Convert.ToInt64(violating.Scalar, System.Globalization.CultureInfo.InvariantCulture) > 0)
                    throw DeltaErrors.InvalidArgument($"Overwrite of '{table.Location}' where {where}: {violating.Scalar} input rows do not satisfy the predicate.");
                var matched = removed.Select(f => PartitionKey(f.PartitionValues, partitionBy)).ToHashSet(StringComparer.Ordinal);
                txn.ReadScope = ReadScope.Partitions;
                // A partition the snapshot did not have is new: the predicate may cover it, so it counts as read.
                var known = snapshot.Files.Select(f => PartitionKey(f.PartitionValues, partitionBy)).ToHashSet(StringComparer.Ordinal);
                txn.ReadPartitions = values =>
                {
                    var key = PartitionKey(values, partitionBy);
                    return matched.Contains(key) || !known.Contains(key);
                };
                txn.Parameters["predicate"] = where;
            }
            else
            {
                removed = snapshot.Files.ToList();
                txn.ReadScope = ReadScope.WholeTable;
            }
        }

        var written = await _files.WriteAsync(table.Store, $"SELECT {SchemaReconciler.Projection(schema, input)} FROM ({sourceSql}) AS src", schema, partitionBy, ct).ConfigureAwait(false);
        if (options.BeforeCommit is { } beforeCommit)
        {
            try
            {
                await beforeCommit(written, ct).ConfigureAwait(false);
            }
            catch
            {
                await DataFileWriter.DiscardAsync(table.Store, table.Location, written).ConfigureAwait(false);
                throw;
            }
        }
        // Read after BeforeCommit, which may add fields (what it committed first, counts it learned from the write).
        ApplyCommitInfo(txn, options);
        foreach (var f in removed) txn.Remove(f);
        foreach (var f in written.Files) txn.Add(f);
        txn.Metrics["numFiles"] = written.Files.Count;
        txn.Metrics["numOutputRows"] = written.Rows;
        txn.Metrics["numOutputBytes"] = written.Bytes;
        return await CommitAsync(table, txn, written, written.Rows, removed.Count, 0, ct).ConfigureAwait(false);
    }

    private async Task<WriteResult> CommitAsync(DeltaTable table, Transaction txn, WrittenFiles written, long rows, int removed, long deleted, CancellationToken ct)
    {
        try
        {
            var result = await txn.CommitAsync(ct).ConfigureAwait(false);
            if (result.AlreadyCommitted) await DataFileWriter.DiscardAsync(table.Store, table.Location, written).ConfigureAwait(false);
            return new WriteResult(result.Version, result.AlreadyCommitted ? 0 : rows, result.AlreadyCommitted ? 0 : written.Files.Count,
                result.AlreadyCommitted ? 0 : removed, deleted, result.AlreadyCommitted, result.Attempts);
        }
        catch
        {
            await DataFileWriter.DiscardAsync(table.Store, table.Location, written).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<WriteResult> WithRetriesAsync(DeltaTable table, int retries, Func<Snapshot?, CancellationToken, Task<WriteResult>> attempt, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            var snapshot = await table.TryGetSnapshotAsync(ct).ConfigureAwait(false);
            try
            {
                var result = await attempt(snapshot, ct).ConfigureAwait(false);
                return result with { Attempts = result.Attempts + i };
            }
            catch (DeltaException e) when (e.Kind == DeltaErrorKind.ConcurrentModification && i < retries)
            {
                // Recompute against the winner's version: the operation's outcome then reflects both commits.
            }
        }
    }

    private async Task<List<AddFile>> TouchedFilesAsync(string sql, Snapshot snapshot, CancellationToken ct)
    {
        var paths = (await _engine.QueryAsync(sql, ct).ConfigureAwait(false)).Rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        return snapshot.Files.Where(f => paths.Contains(f.Path)).ToList();
    }

    /// <summary>The files whose partition values satisfy a SQL predicate over the partition columns.</summary>
    private async Task<List<AddFile>> PartitionsMatchingAsync(Snapshot snapshot, string predicate, CancellationToken ct)
    {
        if (snapshot.PartitionColumns.Count == 0 || snapshot.Files.Count == 0)
            return snapshot.PartitionColumns.Count == 0
                ? throw DeltaErrors.InvalidArgument($"Overwrite with a predicate needs a partitioned table; '{snapshot.Location}' is not partitioned.")
                : [];
        var columns = snapshot.PartitionColumns;
        var rows = snapshot.Files.Select((f, i) => "(" + i + ", " + string.Join(", ", columns.Select(c =>
        {
            var type = TypeMapping.ToDuckDb(snapshot.Schema.Find(c)!.Type, c);
            var v = f.PartitionValues.GetValueOrDefault(c);
            return string.IsNullOrEmpty(v) ? $"CAST(NULL AS {type})" : $"CAST({Sql.Literal(v)} AS {type})";
        })) + ")");
        var sql = $"SELECT i FROM (VALUES {string.Join(", ", rows)}) AS p(i, {string.Join(", ", columns.Select(Sql.Identifier))}) WHERE ({predicate}) IS TRUE";
        var matches = (await _engine.QueryAsync(sql, ct).ConfigureAwait(false)).Rows.Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture));
        return matches.Select(i => snapshot.Files[i]).ToList();
    }

    private static string PartitionKey(IReadOnlyDictionary<string, string?> values, IReadOnlyList<string> columns)
        => string.Join("\u0001", columns.Select(c => values.GetValueOrDefault(c) ?? "\u0000"));

    private static void ApplyCommitInfo(Transaction txn, WriteOptions options)
    {
        if (options.CommitInfo is null) return;
        foreach (var (k, v) in options.CommitInfo) txn.Parameters[k] = v?.DeepClone();
    }
}
