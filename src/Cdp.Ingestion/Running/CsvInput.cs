using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;

namespace Cdp.Ingestion.Running;

/// <summary>
/// CSV: the staged copy (checked for UTF-8 and field counts, with line numbers) is read by DuckDB's CSV reader with
/// a fixed dialect, declared types and sniffed types for the other columns (sniffed from every row when the staging
/// saw a fraction beyond the sample in a column of whole numbers, which the sniffed type would round). Values DuckDB cannot cast are stored in
/// its reject tables (<c>store_rejects</c>) and become quarantine rows, with the reject file's.
/// </summary>
internal static class CsvInput
{
    public static PreparedInput Prepare(DuckDbEngine engine, SourceDefinition source, StagedInput staged, string lineage, string id)
    {
        var rejectsTable = $"cdp_rejects_{id}";
        var scansTable = $"cdp_scans_{id}";
        var types = new List<string> { $"{Sql.Literal(Lineage.SourceLine)}: 'BIGINT'" };
        types.AddRange(source.Columns.Select(c => $"{Sql.Literal(HeaderName(staged, c.Name))}: {Sql.Literal(c.Type)}"));
        var delimiter = Sql.Literal(source.Delimiter.ToString());
        // A fraction beyond the sample in a column of whole numbers would be rounded: let DuckDB sample every row.
        var sample = staged.FractionsBeyondSample.Count > 0 ? "sample_size = -1, " : "";
        var reader = $"read_csv({Sql.Literal(staged.DataPath)}, header = true, auto_detect = true, {sample}delim = {delimiter}, quote = '\"', escape = '\"', " +
                     $"strict_mode = true, store_rejects = true, rejects_table = {Sql.Literal(rejectsTable)}, rejects_scan = {Sql.Literal(scansTable)}, " +
                     $"types = {{{string.Join(", ", types)}}})";
        var line = Sql.Identifier(Lineage.SourceLine);
        var dataSql = staged.HasData
            ? $"SELECT * EXCLUDE ({line}), {lineage}, {line} FROM {reader}"
            : $"SELECT {lineage}, CAST(NULL AS BIGINT) AS {line} WHERE false";
        var fileRejects = FileRejects(staged);

        async Task<(string?, long)> CollectAsync(CancellationToken ct)
        {
            if (!staged.HasData) return (fileRejects, staged.Rejected);
            var latest = $"scan_id = (SELECT max(scan_id) FROM {Sql.Identifier(rejectsTable)})";
            var count = Convert.ToInt64((await engine.QueryAsync(
                $"SELECT count(DISTINCT csv_line) FROM {Sql.Identifier(rejectsTable)} WHERE {latest}", ct).ConfigureAwait(false)).Scalar, System.Globalization.CultureInfo.InvariantCulture);
            if (count == 0) return (staged.Rejected > 0 ? fileRejects : null, staged.Rejected);
            var columnTypes = await engine.DescribeAsync($"SELECT * FROM {reader}", ct).ConfigureAwait(false);
            var typesByName = string.Join(", ", columnTypes.Select(c => $"({Sql.Literal(c.Name)}, {Sql.Literal(c.Type)})"));
            // The staged line starts with the original line number and the delimiter; the rest is the record as read.
            var engineRejects =
                $"SELECT CAST(split_part(r.csv_line, {delimiter}, 1) AS BIGINT) AS line, string_agg(DISTINCT r.column_name, ', ') AS \"column\", " +
                $"string_agg(CASE WHEN CAST(r.error_type AS VARCHAR) = 'CAST' THEN 'column ''' || r.column_name || ''': value cannot be read as ' || coalesce(t.type, 'its type') " +
                $"ELSE lower(CAST(r.error_type AS VARCHAR)) || ' (column ''' || r.column_name || ''')' END, '; ' ORDER BY r.column_idx) AS reason, " +
                $"first(substr(r.csv_line, strpos(r.csv_line, {delimiter}) + 1)) AS raw " +
                $"FROM {Sql.Identifier(rejectsTable)} AS r LEFT JOIN (VALUES {typesByName}) AS t(name, type) ON t.name = r.column_name " +
                $"WHERE r.{latest} GROUP BY r.csv_line";
            var sql = staged.Rejected > 0 ? $"{fileRejects} UNION ALL {engineRejects}" : engineRejects;
            return (sql, staged.Rejected + count);
        }

        return new PreparedInput(dataSql, staged.Records, CollectAsync,
            () => engine.ExecuteAsync($"DROP TABLE IF EXISTS {Sql.Identifier(rejectsTable)}; DROP TABLE IF EXISTS {Sql.Identifier(scansTable)}"));
    }

    /// <summary>The rejects found while staging, as (line, column, reason, raw).</summary>
    public static string FileRejects(StagedInput staged)
        => $"SELECT line, \"column\", reason, raw FROM read_json({Sql.Literal(staged.RejectPath)}, format = 'newline_delimited', columns = {RejectWriter.Columns})";

    // A declared column matches the header case-insensitively; DuckDB wants the header's spelling.
    private static string HeaderName(StagedInput staged, string declared)
        => staged.Columns.FirstOrDefault(c => string.Equals(c, declared, StringComparison.OrdinalIgnoreCase)) ?? declared;
}
