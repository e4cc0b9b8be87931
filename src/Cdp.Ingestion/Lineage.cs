using System.Globalization;
using Cdp.Engine;

namespace Cdp.Ingestion;

/// <summary>The lineage columns every bronze row carries, and the SQL that adds them.</summary>
public static class Lineage
{
    public const string IngestedAt = "_ingested_at";
    public const string SourceFile = "_source_file";
    public const string SourceLine = "_source_line";
    public const string BatchId = "_batch_id";

    private static readonly string[] Names = [IngestedAt, SourceFile, SourceLine, BatchId];

    /// <summary>True for a column name an input may not use (case-insensitive, as Delta column names are).</summary>
    public static bool IsReserved(string column) => Names.Contains(column, StringComparer.OrdinalIgnoreCase);

    /// <summary>SELECT items for the lineage columns other than <c>_source_line</c>, which comes from the input.</summary>
    internal static string Constants(DateTimeOffset ingestedAt, string sourceFile, string batchId)
        => $"CAST({Sql.Literal(ingestedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")} AS TIMESTAMPTZ) AS {Sql.Identifier(IngestedAt)}, " +
           $"CAST({Sql.Literal(sourceFile)} AS VARCHAR) AS {Sql.Identifier(SourceFile)}, " +
           $"CAST({Sql.Literal(batchId)} AS VARCHAR) AS {Sql.Identifier(BatchId)}";
}
