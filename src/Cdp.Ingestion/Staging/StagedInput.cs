namespace Cdp.Ingestion.Staging;

/// <summary>
/// A CSV or JSON-lines input rewritten for DuckDB: every record that passed the checks made while streaming
/// (UTF-8, field count, JSON syntax) with its original line number as a leading <c>_source_line</c> field; the
/// others are in the reject file.
/// </summary>
/// <param name="Records">Records read (the CSV header and blank lines excluded).</param>
/// <param name="Staged">Records written to <paramref name="DataPath"/>.</param>
/// <param name="Rejected">Records written to the reject file.</param>
/// <param name="Columns">CSV: the header's fields; JSON: every top-level key seen, in first-seen order.</param>
/// <param name="HasData">False when no record can be read as data (empty file, or a header that cannot be used).</param>
internal sealed record StagedInput(string DataPath, string RejectPath, long Records, long Staged, long Rejected, IReadOnlyList<string> Columns, bool HasData)
{
    public const string LineColumn = "_source_line";

    /// <summary>CSV: the columns whose values were whole numbers in DuckDB's type sample and later held a fraction.</summary>
    public IReadOnlyList<string> FractionsBeyondSample { get; init; } = [];

    /// <summary>JSON lines: the kinds of value seen for each top-level key (of staged and rejected lines); null for CSV.</summary>
    public IReadOnlyDictionary<string, JsonKinds>? Kinds { get; init; }
}
