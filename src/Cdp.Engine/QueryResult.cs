namespace Cdp.Engine;

/// <summary>A result column: its name and DuckDB type as DuckDB prints it.</summary>
public sealed record ResultColumn(string Name, string Type);

/// <summary>A fully materialised query result (use COPY for large outputs).</summary>
public sealed record QueryResult(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    public object? Scalar => Rows.Count > 0 && Rows[0].Length > 0 ? Rows[0][0] : null;
}
