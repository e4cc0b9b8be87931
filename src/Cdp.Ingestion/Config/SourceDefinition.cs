namespace Cdp.Ingestion.Config;

/// <summary>How the files of a source are read.</summary>
public enum SourceFormat
{
    /// <summary>RFC 4180 CSV with a header line, UTF-8.</summary>
    Csv,

    /// <summary>One JSON object per line, UTF-8.</summary>
    JsonLines,

    /// <summary>Apache Parquet.</summary>
    Parquet,
}

/// <summary>A declared column type (a DuckDB type name such as <c>VARCHAR</c>, <c>DATE</c>, <c>DECIMAL(10,2)</c>).</summary>
public sealed record DeclaredColumn(string Name, string Type);

/// <summary>One source of <c>ingest.sources</c>: its files and how to read them.</summary>
/// <param name="Name">The source name; the bronze table is <c>&lt;lake&gt;/bronze/&lt;name&gt;</c>.</param>
/// <param name="Path">
/// The file pattern: an absolute local path, or a URI (abfss://, az://, file://), with <c>*</c>, <c>**</c> and <c>?</c>
/// wildcards. Relative paths in the project file are already resolved against the project root.
/// </param>
/// <param name="Delimiter">CSV only: the field delimiter (default ',').</param>
/// <param name="Columns">Declared column types; other columns are inferred from each file.</param>
public sealed record SourceDefinition(string Name, SourceFormat Format, string Path, char Delimiter, IReadOnlyList<DeclaredColumn> Columns)
{
    /// <summary>The declared type of a column (case-insensitive name), or null when inferred.</summary>
    public string? DeclaredType(string column)
        => Columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase))?.Type;
}
