using System.Globalization;
using Cdp.Engine;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Compilation;

/// <summary>
/// The built-in generic tests. Each compiles to a query returning the failing rows; the test fails (or warns) when
/// the row count meets its condition. Column names are quoted identifiers.
/// </summary>
public static class GenericTests
{
    public static readonly IReadOnlyList<string> BuiltIn = ["unique", "not_null", "accepted_values", "relationships"];

    /// <summary>The failing-rows query, or throws <see cref="TemplateException"/> for a missing argument.</summary>
    /// <param name="model">The tested relation, already wrapped in the test's <c>where</c> filter when it has one.</param>
    /// <param name="resolveRelation">Renders a relation argument such as <c>ref('customers')</c>.</param>
    public static string Compile(string testName, string model, string? column, IReadOnlyDictionary<string, object?> arguments, Func<object?, string> resolveRelation)
    {
        string Column() => column is null
            ? throw new TemplateException($"test '{testName}' must be declared on a column (or given column_name)")
            : Sql.Identifier(column);

        switch (testName)
        {
            case "unique":
                return $"SELECT {Column()} AS unique_field, count(*) AS n_records\nFROM {model}\nWHERE {Column()} IS NOT NULL\nGROUP BY {Column()}\nHAVING count(*) > 1";
            case "not_null":
                return $"SELECT *\nFROM {model}\nWHERE {Column()} IS NULL";
            case "accepted_values":
            {
                var values = arguments.GetValueOrDefault("values") as IReadOnlyList<object?>
                    ?? throw new TemplateException("test 'accepted_values' needs 'values': a list of the accepted values");
                var quote = arguments.GetValueOrDefault("quote") is not false;
                var list = string.Join(", ", values.Select(v => quote ? Sql.Literal(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "") : Convert.ToString(v, CultureInfo.InvariantCulture)));
                return $"WITH all_values AS (\n    SELECT {Column()} AS value_field, count(*) AS n_records\n    FROM {model}\n    GROUP BY {Column()}\n)\n" +
                       $"SELECT *\nFROM all_values\nWHERE value_field IS NULL OR value_field NOT IN ({list})";
            }
            case "relationships":
            {
                var to = arguments.GetValueOrDefault("to") ?? throw new TemplateException("test 'relationships' needs 'to': the parent, e.g. ref('customers')");
                var field = arguments.GetValueOrDefault("field") as string ?? throw new TemplateException("test 'relationships' needs 'field': the parent's column");
                return $"WITH child AS (\n    SELECT {Column()} AS from_field\n    FROM {model}\n    WHERE {Column()} IS NOT NULL\n),\n" +
                       $"parent AS (\n    SELECT {Sql.Identifier(field)} AS to_field\n    FROM {resolveRelation(to)}\n)\n" +
                       "SELECT from_field\nFROM child\nLEFT JOIN parent ON child.from_field = parent.to_field\nWHERE parent.to_field IS NULL";
            }
            default:
                throw new TemplateException($"unknown generic test '{testName}'; built in: {string.Join(", ", BuiltIn)}, or define a macro 'test_{testName}(model, column_name, ...)'");
        }
    }

    /// <summary>The relation a test reads, narrowed by its <c>where</c> config.</summary>
    public static string Filtered(string relation, object? where)
        => where is string w && w.Length > 0 ? $"(SELECT * FROM {relation} WHERE {w}) AS dbt_subquery" : relation;

    /// <summary>
    /// Whether a failure count meets a <c>warn_if</c>/<c>error_if</c> condition such as <c>!= 0</c>, <c>&gt; 10</c>,
    /// <c>&gt;= 5</c>, <c>= 0</c>.
    /// </summary>
    public static bool Meets(long failures, string condition)
    {
        var c = condition.Trim();
        var op = new[] { "!=", "<>", ">=", "<=", "==", ">", "<", "=" }.FirstOrDefault(o => c.StartsWith(o, StringComparison.Ordinal))
                 ?? throw new FormatException($"Invalid test condition '{condition}': expected an operator and a number, like '!= 0' or '> 10'.");
        if (!long.TryParse(c[op.Length..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new FormatException($"Invalid test condition '{condition}': expected an operator and a number, like '!= 0' or '> 10'.");
        return op switch
        {
            "!=" or "<>" => failures != n,
            ">=" => failures >= n,
            "<=" => failures <= n,
            ">" => failures > n,
            "<" => failures < n,
            _ => failures == n,
        };
    }
}
