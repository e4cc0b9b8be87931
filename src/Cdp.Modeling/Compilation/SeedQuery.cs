using System.Globalization;
using Cdp.Engine;

namespace Cdp.Modeling.Compilation;

/// <summary>How a seed's CSV file is read: DuckDB's reader with a fixed dialect, types sniffed unless declared.</summary>
public static class SeedQuery
{
    /// <summary>The query reading a seed's CSV, with its declared <c>column_types</c> and <c>delimiter</c>.</summary>
    public static string Query(string projectRoot, Node node)
    {
        var path = Path.GetFullPath(Path.Combine(projectRoot, node.Path!));
        var options = new List<string> { "header = true", "auto_detect = true", "quote = '\"'", "escape = '\"'", "strict_mode = true" };
        options.Add("delim = " + Sql.Literal(node.Config.GetValueOrDefault("delimiter") as string ?? ","));
        if (node.Config.GetValueOrDefault("column_types") is IReadOnlyDictionary<string, object?> { Count: > 0 } types)
        {
            var entries = types.Select(t => $"{Sql.Literal(t.Key)}: {Sql.Literal(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "VARCHAR")}");
            options.Add("types = {" + string.Join(", ", entries) + "}");
        }
        return $"SELECT * FROM read_csv({Sql.Literal(path)}, {string.Join(", ", options)})";
    }
}
