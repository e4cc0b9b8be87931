using Cdp.Engine;

namespace Cdp.Ingestion.Running;

/// <summary>
/// A file ready to be written: the SELECT of its good rows (data columns, then the lineage columns), and how to
/// collect its rejected rows once that SELECT has run.
/// </summary>
/// <param name="DataSql">The good rows, with every lineage column.</param>
/// <param name="RecordsRead">Records in the file, when known before the write (CSV, JSON lines); null for Parquet.</param>
/// <param name="CollectRejectsAsync">
/// After the data files are written: a SELECT of the rejected records (line, column, reason, raw) and their count,
/// or (null, 0).
/// </param>
internal sealed record PreparedInput(
    string DataSql,
    long? RecordsRead,
    Func<CancellationToken, Task<(string? Sql, long Count)>> CollectRejectsAsync,
    Func<Task> CleanupAsync)
{
    /// <summary>
    /// The columns and types the reader yields, when the preparation already knows them (JSON lines: those DuckDB
    /// inferred); two inputs of one source with equal reader columns give rows of the same columns and types.
    /// </summary>
    public IReadOnlyList<ResultColumn>? ReaderColumns { get; init; }
}
