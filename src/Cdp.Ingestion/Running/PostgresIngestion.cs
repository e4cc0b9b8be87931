using System.Data;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;
using Cdp.Lake;
using Npgsql;

namespace Cdp.Ingestion.Running;

/// <summary>
/// Lands a PostgreSQL table into bronze exactly once per run. Every run is one Delta commit carrying the txn
/// <c>cdp-ingest/&lt;source&gt;/pg</c> with the run number as its version, and the high-water mark (the cursor's
/// greatest value read, as PostgreSQL prints it) in its commitInfo. A run reads, in one repeatable-read snapshot of
/// the database, the maximum of the cursor and then the rows with <c>mark &lt; cursor &lt;= maximum</c>, streams them
/// into a local CSV file (every value as PostgreSQL text) and lands it through the Delta writer. A crash before the
/// commit leaves the previous run's mark in place, so the re-run reads the same rows again; a crash after it finds the
/// new mark. Rows are never lost nor landed twice.
/// </summary>
internal sealed partial class PostgresIngestion(LakeSession lake, string batchId, Func<CancellationToken, Task>? beforeCommit)
{
    private const int MaxLineBytes = 64 << 20;

    /// <summary>The txn appId of a PostgreSQL source.</summary>
    public static string AppId(string source) => $"cdp-ingest/{source}/pg";

    public async Task<FileResult> IngestAsync(SourceDefinition source, DeltaTable data, Snapshot? snapshot, CancellationToken ct)
    {
        var pg = source.Postgres ?? throw new ArgumentException("not a PostgreSQL source", nameof(source));
        var started = DateTimeOffset.UtcNow;
        var appId = AppId(source.Name);
        var connection = Connect(source, pg);
        var location = connection.Location;
        var previousRun = snapshot?.AppTransactionVersion(appId) ?? 0;
        var run = previousRun + 1;
        var mark = pg.Mode == PostgresMode.Incremental && previousRun > 0
            ? await HighWaterMarkAsync(source, data, snapshot!, appId, previousRun, ct).ConfigureAwait(false)
            : null;

        var staging = StagingFolders.Create(inputBytes: null);
        try
        {
            var csvPath = Path.Combine(staging, "rows.csv");
            var (columns, maximum, read, bytes) = await connection.GuardAsync(() => ReadAsync(source, pg, connection, mark, csvPath, ct)).ConfigureAwait(false);
            if (pg.Mode == PostgresMode.Incremental && read == 0)
                return new FileResult(location, appId, FileStatus.Skipped, 0, 0, 0, 0, started, DateTimeOffset.UtcNow);

            var info = new JsonObject
            {
                ["ingestAppId"] = appId, ["ingestSource"] = source.Name, ["ingestFile"] = location, ["ingestBatchId"] = batchId,
                ["ingestStartedAt"] = started.ToString("O", CultureInfo.InvariantCulture), ["ingestBytes"] = bytes,
                ["ingestRunNumber"] = run, ["ingestMode"] = pg.Mode == PostgresMode.Full ? "full" : "incremental",
                ["ingestCursor"] = pg.Cursor, ["ingestCursorFrom"] = mark, ["ingestHighWaterMark"] = maximum,
            };
            var options = new WriteOptions
            {
                AppTransaction = (appId, run),
                TableName = source.Name,
                CommitInfo = info,
                OverwriteSchema = pg.Mode == PostgresMode.Full,
                BeforeCommit = async (written, token) =>
                {
                    if (written.Rows != read)
                        throw new InvalidOperationException($"Bug: '{location}': {read} rows read from PostgreSQL, but {written.Rows} written.");
                    info["ingestRowsRead"] = read;
                    info["ingestRowsLanded"] = read;
                    info["ingestRowsQuarantined"] = 0;
                    info["ingestFinishedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                    if (beforeCommit is not null) await beforeCommit(token).ConfigureAwait(false);
                },
            };
            var lineage = Lineage.Constants(started, location, batchId);
            var mode = pg.Mode == PostgresMode.Full ? WriteMode.Overwrite : WriteMode.Append;
            WriteResult result;
            try
            {
                result = await lake.Writer.WriteAsync(data, LandingSql(columns, csvPath, lineage), mode, options, ct).ConfigureAwait(false);
            }
            catch (SqlEngineException e)
            {
                throw new IngestException($"'{location}': the rows read cannot be landed: {FileIngestion.SafeMessage(e.Message)}", e);
            }
            catch (DeltaException e) when (e.Kind == DeltaErrorKind.SchemaMismatch)
            {
                throw new IngestException($"'{location}' does not fit the table: {e.Message} (a column changed type in PostgreSQL; run once with mode: full)", e);
            }
            if (result.AlreadyCommitted) return new FileResult(location, appId, FileStatus.Skipped, 0, 0, 0, 0, started, DateTimeOffset.UtcNow);
            return new FileResult(location, RunLedger.RunKey(appId, run), FileStatus.Landed, read, read, 0, bytes, started, DateTimeOffset.UtcNow);
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

    /// <summary>The DuckDB SELECT over the staged CSV: typed data columns, then the lineage columns.</summary>
    private static string LandingSql(IReadOnlyList<PgColumn> columns, string csvPath, string lineage)
    {
        var types = new List<string> { "'line': 'BIGINT'" };
        types.AddRange(columns.Select((_, i) => $"'c{i}': 'VARCHAR'"));
        var reader = $"read_csv({Sql.Literal(csvPath)}, header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', " +
                     $"allow_quoted_nulls = false, strict_mode = true, max_line_size = {MaxLineBytes}, buffer_size = {MaxLineBytes * 2L}, " +
                     $"columns = {{{string.Join(", ", types)}}})";
        var items = columns.Select((c, i) => $"CAST(c{i} AS {c.DuckType}) AS {Sql.Identifier(c.Name)}");
        return $"SELECT {string.Join(", ", items)}, {lineage}, line AS {Sql.Identifier(Lineage.SourceLine)} FROM {reader}";
    }

    private static async Task<(IReadOnlyList<PgColumn> Columns, string? Maximum, long Rows, long Bytes)> ReadAsync(SourceDefinition source, PostgresSettings pg,
        PgConnection connection, string? mark, string csvPath, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using (var setup = new NpgsqlCommand("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3", conn))
            await setup.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        // One snapshot for the maximum and the rows: rows committed meanwhile wait for the next run.
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        var relation = $"{Quote(pg.Schema)}.{Quote(pg.Table)}";
        var columns = await ColumnsAsync(source, pg, conn, relation, ct).ConfigureAwait(false);

        string? maximum = null;
        PgColumn? cursor = null;
        if (pg.Cursor is { } cursorName)
        {
            cursor = columns.First(c => c.Name == cursorName);
            await using var max = new NpgsqlCommand($"SELECT max({Quote(cursor.Name)})::text FROM {relation}", conn, tx);
            maximum = await max.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }

        var where = "";
        await using var select = new NpgsqlCommand { Connection = conn, Transaction = tx };
        if (pg.Mode == PostgresMode.Incremental)
        {
            if (maximum is null || maximum == mark) return (columns, mark, 0, 0);
            var c = Quote(cursor!.Name);
            where = mark is null
                ? $" WHERE {c} <= CAST(@maximum AS {cursor.PgType})"
                : $" WHERE {c} > CAST(@mark AS {cursor.PgType}) AND {c} <= CAST(@maximum AS {cursor.PgType})";
            select.Parameters.AddWithValue("maximum", maximum);
            if (mark is not null) select.Parameters.AddWithValue("mark", mark);
        }
        var order = new List<string>();
        if (cursor is not null) order.Add(Quote(cursor.Name));
        order.AddRange(pg.PrimaryKey.Where(k => k != pg.Cursor).Select(Quote));
        select.CommandText = $"SELECT {string.Join(", ", columns.Select(c => c.SelectExpression))} FROM {relation}{where} ORDER BY {string.Join(", ", order)}";

        long rows = 0;
        await using (var file = new FileStream(csvPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        await using (var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 20))
        await using (var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct).ConfigureAwait(false))
        {
            var line = new StringBuilder();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows++;
                line.Clear().Append(rows.ToString(CultureInfo.InvariantCulture));
                for (var i = 0; i < columns.Count; i++)
                {
                    line.Append(',');
                    if (await reader.IsDBNullAsync(i, ct).ConfigureAwait(false)) continue;
                    line.Append('"').Append(reader.GetString(i).Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                }
                line.Append('\n');
                if (line.Length > MaxLineBytes / 4)
                    throw new IngestException($"row {rows.ToString(CultureInfo.InvariantCulture)} of the batch is larger than {MaxLineBytes / 4 >> 20} M characters");
                await writer.WriteAsync(line, ct).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        // In full mode the mark is the maximum at the start: a later switch to incremental continues from there.
        return (columns, maximum, rows, new FileInfo(csvPath).Length);
    }

    private static async Task<List<PgColumn>> ColumnsAsync(SourceDefinition source, PostgresSettings pg, NpgsqlConnection conn, string relation, CancellationToken ct)
    {
        const string catalog =
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN t.typtype = 'd' THEN b.typname ELSE t.typname END " +
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type b ON b.oid = t.typbasetype " +
            "WHERE a.attrelid = to_regclass(@relation) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        var columns = new List<PgColumn>();
        var unsupported = new List<string>();
        await using (var command = new NpgsqlCommand(catalog, conn))
        {
            command.Parameters.AddWithValue("relation", relation);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var (name, formatted, type) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (Lineage.IsReserved(name)) throw new IngestException($"table {pg.Schema}.{pg.Table} has column '{name}', a name reserved for lineage columns");
                if (Map(name, formatted, type) is { } column) columns.Add(column);
                else unsupported.Add($"column '{name}' has type {formatted}");
            }
        }
        if (columns.Count == 0 && unsupported.Count == 0)
            throw new IngestException($"table {pg.Schema}.{pg.Table} not found (or the user may not see it); check ingest.sources.{source.Name}.table");
        if (unsupported.Count > 0)
        {
            throw new IngestException($"table {pg.Schema}.{pg.Table}: {string.Join("; ", unsupported)}, which cannot be ingested " +
                                      "(supported: smallint, integer, bigint, numeric, real, double precision, text, varchar, char, boolean, date, timestamp, timestamptz, uuid, json, jsonb)");
        }
        var missing = pg.PrimaryKey.Append(pg.Cursor).OfType<string>().Where(k => !columns.Any(c => c.Name == k)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new IngestException($"table {pg.Schema}.{pg.Table} has no column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} (ingest.sources.{source.Name}.primary_key / cursor; names are case-sensitive)");
        return columns;
    }

    /// <summary>The DuckDB type and the text SELECT expression of a column, or null for an unsupported type.</summary>
    private static PgColumn? Map(string name, string formatted, string type)
    {
        var q = Quote(name);
        var text = $"{q}::text";
        string? duck = type switch
        {
            "int2" => "SMALLINT",
            "int4" => "INTEGER",
            "int8" => "BIGINT",
            "float4" => "FLOAT",
            "float8" => "DOUBLE",
            "numeric" => NumericType().Match(formatted) is { Success: true } m
                         && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) is var p and <= 38
                         && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) is var s and >= 0 && s <= p
                ? $"DECIMAL({p},{s})"
                : "DOUBLE",
            "text" or "varchar" or "bpchar" or "name" or "citext" => "VARCHAR",
            "uuid" or "json" or "jsonb" => "VARCHAR",
            "bool" => "BOOLEAN",
            "date" => "DATE",
            "timestamp" => "TIMESTAMP",
            "timestamptz" => "TIMESTAMPTZ",
            _ => null,
        };
        if (duck is null) return null;
        var select = type == "bool" ? $"CASE WHEN {q} THEN 'true' WHEN NOT {q} THEN 'false' END" : text;
        return new PgColumn(name, formatted, duck, select);
    }

    /// <summary>The previous run's high-water mark, from its commitInfo (else the greatest cursor value in bronze).</summary>
    private async Task<string?> HighWaterMarkAsync(SourceDefinition source, DeltaTable data, Snapshot snapshot, string appId, long previousRun, CancellationToken ct)
    {
        foreach (var limit in new int?[] { 20, null })
        {
            foreach (var entry in await data.GetHistoryAsync(limit, ct).ConfigureAwait(false))
            {
                var p = entry.OperationParameters;
                if (p?["ingestAppId"]?.GetValue<string>() != appId || p["ingestRunNumber"] is not JsonValue v || !v.TryGetValue<long>(out var n) || n != previousRun)
                    continue;
                if (!p.ContainsKey("ingestHighWaterMark")) break;
                return p["ingestHighWaterMark"] is JsonValue mark && mark.TryGetValue<string>(out var text) ? text : null;
            }
        }
        // The commit is gone from the log (cleaned up): the bronze table holds every row landed, so its maximum is the mark.
        var scan = await lake.ScanAsync(data.Location, snapshot, ct).ConfigureAwait(false);
        var cursor = source.Postgres!.Cursor!;
        var result = await lake.Engine.QueryAsync($"SELECT CAST(max({Sql.Identifier(cursor)}) AS VARCHAR) FROM ({scan}) AS b", ct).ConfigureAwait(false);
        return result.Scalar as string;
    }

    /// <summary>The source's <c>postgres://host/db/schema.table</c> location when its connection string can be read, else <c>postgres://schema.table</c>.</summary>
    public static string LocationOf(SourceDefinition source)
    {
        var pg = source.Postgres!;
        try
        {
            return Connect(source, pg).Location;
        }
        catch (IngestException)
        {
            return $"postgres://{pg.Schema}.{pg.Table}";
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static PgConnection Connect(SourceDefinition source, PostgresSettings pg)
    {
        var env = pg.ConnectionEnv;
        var text = Environment.GetEnvironmentVariable(env);
        if (string.IsNullOrWhiteSpace(text))
            throw new IngestException($"environment variable {env} is not set; it must hold the PostgreSQL connection string (ingest.sources.{source.Name}.connection_env)");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The parser's message may quote part of the string: say only where it came from.
            throw new IngestException($"environment variable {env} does not hold a valid PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...)");
        }
        builder.IncludeErrorDetail = false;
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "cdp-ingest";
        var host = builder.Host ?? "localhost";
        var database = builder.Database ?? builder.Username ?? "postgres";
        return new PgConnection(env, host, database, builder.Password, builder.ConnectionString, $"postgres://{host}/{database}/{pg.Schema}.{pg.Table}");
    }

    /// <summary>A connection string and what may be said about it: the env var, host and database, never the password.</summary>
    private sealed record PgConnection(string Env, string Host, string Database, string? Password, string ConnectionString, string Location)
    {
        /// <summary>Runs <paramref name="action"/>, turning PostgreSQL and network errors into messages without secrets.</summary>
        public async Task<T> GuardAsync<T>(Func<Task<T>> action)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new IngestException(Redact($"PostgreSQL at host '{Host}', database '{Database}' (connection string from {Env}): {e.SqlState}: {e.MessageText}"));
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                var reason = e.InnerException is SocketException s ? s.Message : e.Message;
                throw new IngestException(Redact($"cannot reach PostgreSQL at host '{Host}', database '{Database}' (connection string from {Env}): {reason}"));
            }
        }

        private string Redact(string message)
            => string.IsNullOrEmpty(Password) ? message : message.Replace(Password, "***", StringComparison.Ordinal);
    }

    /// <summary>A column: its name, PostgreSQL type (as format_type prints it), DuckDB type, and text SELECT expression.</summary>
    private sealed record PgColumn(string Name, string PgType, string DuckType, string SelectExpression);

    [GeneratedRegex(@"^numeric\((\d+),(\d+)\)$")]
    private static partial Regex NumericType();
}
