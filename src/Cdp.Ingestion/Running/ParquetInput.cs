using Cdp.Engine;
using Cdp.Ingestion.Config;

namespace Cdp.Ingestion.Running;

/// <summary>
/// Parquet: typed already, so there is nothing to quarantine; <c>_source_line</c> is the 1-based row number in the
/// file. Declared columns are cast, and a value that does not cast fails the file (naming the column).
/// </summary>
internal static class ParquetInput
{
    public static async Task<PreparedInput> PrepareAsync(DuckDbEngine engine, SourceDefinition source, string localPath, string lineage, CancellationToken ct)
    {
        var reader = $"read_parquet({Sql.Literal(localPath)}, file_row_number = true)";
        var columns = await engine.DescribeAsync($"SELECT * FROM read_parquet({Sql.Literal(localPath)})", ct).ConfigureAwait(false);
        if (columns.FirstOrDefault(c => Lineage.IsReserved(c.Name)) is { } reserved)
            throw new IngestException($"the file has column '{reserved.Name}', a name reserved for lineage columns");
        var missing = source.Columns.Where(d => !columns.Any(c => string.Equals(c.Name, d.Name, StringComparison.OrdinalIgnoreCase))).Select(d => d.Name).ToList();
        if (missing.Count > 0) throw new IngestException($"declared column(s) {string.Join(", ", missing)} not in the file");
        var casts = columns.Where(c => source.DeclaredType(c.Name) is not null)
            .Select(c => $"CAST({Sql.Identifier(c.Name)} AS {source.DeclaredType(c.Name)}) AS {Sql.Identifier(c.Name)}").ToList();
        var replace = casts.Count > 0 ? $" REPLACE ({string.Join(", ", casts)})" : "";
        var sql = $"SELECT * EXCLUDE (file_row_number){replace}, {lineage}, file_row_number + 1 AS {Sql.Identifier(Lineage.SourceLine)} FROM {reader}";
        return new PreparedInput(sql, null, _ => Task.FromResult<(string?, long)>((null, 0)), () => Task.CompletedTask);
    }
}
