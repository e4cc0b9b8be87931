namespace Cdp.Engine;

/// <summary>A SQL statement failed. The message names what was being done and carries DuckDB's own message.</summary>
public sealed class SqlEngineException : Exception
{
    public SqlEngineException(string message, string? sql = null, Exception? inner = null) : base(message, inner) => Sql = sql;

    /// <summary>The statement that failed (for debugging; may be long).</summary>
    public string? Sql { get; }
}
