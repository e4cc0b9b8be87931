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

    /// <summary>A PostgreSQL table (<c>kind: postgres</c>); see <see cref="PostgresSettings"/>.</summary>
    Postgres,
}

/// <summary>How a PostgreSQL table is read.</summary>
public enum PostgresMode
{
    /// <summary>Rows whose cursor column is above the last committed high-water mark, appended.</summary>
    Incremental,

    /// <summary>Every row, replacing the bronze table's rows (a new version of the table).</summary>
    Full,
}

/// <summary>
/// A PostgreSQL source: the table, its key and cursor, and the environment variable holding the connection string
/// (the connection string itself is never in the project file).
/// </summary>
/// <param name="ConnectionEnv">Name of the environment variable holding the Npgsql connection string.</param>
/// <param name="Schema">Schema of the table (default <c>public</c>).</param>
/// <param name="Table">Table name.</param>
/// <param name="PrimaryKey">Key columns: a row's versions in bronze share them.</param>
/// <param name="Cursor">A column that grows when a row is inserted or updated (e.g. <c>updated_at</c>); null only in full mode.</param>
/// <param name="Mode">Incremental (default) or full.</param>
public sealed record PostgresSettings(string ConnectionEnv, string Schema, string Table, IReadOnlyList<string> PrimaryKey, string? Cursor, PostgresMode Mode);

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
/// <param name="Postgres">For <see cref="SourceFormat.Postgres"/>: the table to read (<paramref name="Path"/> is then empty).</param>
public sealed record SourceDefinition(string Name, SourceFormat Format, string Path, char Delimiter, IReadOnlyList<DeclaredColumn> Columns,
    PostgresSettings? Postgres = null)
{
    /// <summary>The declared type of a column (case-insensitive name), or null when inferred.</summary>
    public string? DeclaredType(string column)
        => Columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase))?.Type;
}
