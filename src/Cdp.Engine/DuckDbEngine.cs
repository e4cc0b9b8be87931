using System.Data.Common;
using Dapper;
using DuckDB.NET.Data;

namespace Cdp.Engine;

/// <summary>
/// One embedded DuckDB database (in memory, or a catalog file). Statements run one at a time on its connection;
/// every call is cancellable (cancellation interrupts the running statement). The session time zone is UTC so
/// that Delta timestamps (instants) and timestamp_ntz values convert without shifting.
/// </summary>
public sealed class DuckDbEngine : IAsyncDisposable, IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="databasePath">A DuckDB database file, or null for an in-memory database.</param>
    /// <param name="cacheDirectory">Where remote data files are cached for reading; default under the temp folder.</param>
    public DuckDbEngine(string? databasePath = null, string? cacheDirectory = null, int? threads = null)
    {
        _connection = new DuckDBConnection(databasePath is null ? "DataSource=:memory:" : $"DataSource={databasePath}");
        _connection.Open();
        CacheDirectory = cacheDirectory ?? Path.Combine(Path.GetTempPath(), "cdp-cache");
        ExecuteCore("SET TimeZone = 'UTC'");
        // Delta data files are immutable (a path is never rewritten), so Parquet footers can be cached across queries:
        // repeated point queries (profile lookups) then skip re-reading every file's metadata.
        ExecuteCore("SET parquet_metadata_cache = true");
        if (threads is { } t) ExecuteCore($"SET threads = {t}");
    }

    private DuckDbEngine(DuckDBConnection connection, string cacheDirectory)
    {
        _connection = connection;
        if (_connection.State != System.Data.ConnectionState.Open) _connection.Open();
        CacheDirectory = cacheDirectory;
        ExecuteCore("SET TimeZone = 'UTC'");
    }

    /// <summary>
    /// A second connection to the same in-memory database: it sees the same schemas, tables and views, has its own
    /// temporary objects, and runs statements concurrently with this one. Dispose it before this engine.
    /// </summary>
    public DuckDbEngine Fork()
    {
        var fork = new DuckDbEngine(_connection.Duplicate(), CacheDirectory);
        foreach (var registration in _registrations) fork.Register(registration);
        return fork;
    }

    /// <summary>
    /// Makes a C# function callable from SQL as <paramref name="name"/>(text, text) → text, on this connection and on
    /// connections forked from it afterwards. NULL arguments reach the function; a null result is SQL NULL.
    /// </summary>
    public void RegisterFunction(string name, Func<string?, string?, string?> function)
        => Register(c => c.RegisterScalarFunction<string?, string?, string?>(name, (a, b) => function(a, b)));

    /// <summary>
    /// As <see cref="RegisterFunction(string, Func{string?, string?, string?})"/>, returning a DOUBLE: for string
    /// similarities and distances, which SQL then compares with numeric thresholds.
    /// </summary>
    public void RegisterFunction(string name, Func<string?, string?, double?> function)
        => Register(c => c.RegisterScalarFunction<string?, string?, double?>(name, (a, b) => function(a, b)));

    /// <summary>As <see cref="RegisterFunction(string, Func{string?, string?, string?})"/>, with one argument.</summary>
    public void RegisterFunction(string name, Func<string?, string?> function)
        => Register(c => c.RegisterScalarFunction<string?, string?>(name, a => function(a)));

    // Functions live on a connection: forks replay every registration.
    private readonly List<Action<DuckDBConnection>> _registrations = [];

    private void Register(Action<DuckDBConnection> registration)
    {
        registration(_connection);
        _registrations.Add(registration);
    }

    /// <summary>Local folder where copies of remote data files are kept for DuckDB to read.</summary>
    public string CacheDirectory { get; }

    /// <summary>Runs statements that return nothing (several may be separated by ';').</summary>
    public Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
        => RunAsync(sql, cmd => { cmd.ExecuteNonQuery(); return 0; }, cancellationToken);

    /// <summary>Runs a query and materialises its result.</summary>
    public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken = default)
        => RunAsync(sql, cmd =>
        {
            using var reader = cmd.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new ResultColumn(reader.GetName(i), TypeName(reader, i))).ToList();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return new QueryResult(columns, rows);
        }, cancellationToken);

    /// <summary>Runs a query and maps each row to <typeparamref name="T"/> by column name (Dapper); values bind as <c>$name</c> parameters.</summary>
    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null, CancellationToken cancellationToken = default)
        => RunAsync<IReadOnlyList<T>>(sql, cmd => cmd.Connection!.Query<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ToList(),
            cancellationToken);

    /// <summary>Streams a query's rows to <paramref name="onRow"/> without materialising them.</summary>
    public Task<long> StreamAsync(string sql, Action<DbDataReader> onRow, CancellationToken cancellationToken = default)
        => RunAsync(sql, cmd =>
        {
            using var reader = cmd.ExecuteReader();
            long n = 0;
            while (reader.Read())
            {
                onRow(reader);
                n++;
            }
            return n;
        }, cancellationToken);

    /// <summary>
    /// Appends <paramref name="rows"/> rows to an existing table through DuckDB's appender (far faster than INSERT for
    /// bulk results computed in C#). Each column is an array of <c>long</c>, <c>int</c>, <c>bool</c>, <c>double</c> or
    /// <c>string?</c> values, in the table's column order; all arrays hold at least <paramref name="rows"/> values.
    /// </summary>
    public Task AppendAsync(string table, int rows, IReadOnlyList<Array> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            if (column.Length < rows) throw new ArgumentException($"a column holds {column.Length} values, fewer than the {rows} rows to append", nameof(columns));
        }
        return RunAsync(table, cmd =>
        {
            using var appender = _connection.CreateAppender(table);
            for (var r = 0; r < rows; r++)
            {
                if ((r & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var row = appender.CreateRow();
                foreach (var column in columns)
                {
                    row = column switch
                    {
                        long[] l => row.AppendValue(l[r]),
                        int[] i => row.AppendValue(i[r]),
                        bool[] b => row.AppendValue(b[r]),
                        double[] d => row.AppendValue(d[r]),
                        string?[] s => row.AppendValue(s[r]),
                        _ => throw new ArgumentException($"unsupported column array {column.GetType().Name}", nameof(columns)),
                    };
                }
                row.EndRow();
            }
            return 0;
        }, cancellationToken);
    }

    /// <summary>The column names and DuckDB types a query would return, without running it.</summary>
    public async Task<IReadOnlyList<ResultColumn>> DescribeAsync(string sql, CancellationToken cancellationToken = default)
    {
        var result = await QueryAsync("DESCRIBE " + sql, cancellationToken).ConfigureAwait(false);
        return result.Rows.Select(r => new ResultColumn((string)r[0]!, (string)r[1]!)).ToList();
    }

    private static string TypeName(DbDataReader reader, int ordinal)
    {
        try
        {
            return reader.GetDataTypeName(ordinal);
        }
        catch (NotSupportedException)
        {
            return "UNKNOWN";
        }
    }

    private async Task<T> RunAsync<T>(string sql, Func<DuckDBCommand, T> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                using var cmd = _connection.CreateCommand();
                cmd.CommandText = sql;
                using var registration = cancellationToken.Register(() => cmd.Cancel());
                try
                {
                    return run(cmd);
                }
                catch (DuckDBException e) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The statement was cancelled.", e, cancellationToken);
                }
                catch (DuckDBException e)
                {
                    throw new SqlEngineException(FirstLines(e.Message), sql, e);
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ExecuteCore(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string FirstLines(string message)
    {
        var lines = message.Split('\n');
        return string.Join('\n', lines.Take(6)).Trim();
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
