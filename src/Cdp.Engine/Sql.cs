using System.Globalization;

namespace Cdp.Engine;

/// <summary>The one place identifiers and literals are quoted for DuckDB SQL. Never build SQL names any other way.</summary>
public static class Sql
{
    /// <summary>A double-quoted identifier; embedded quotes are doubled, so any name (quotes, spaces, unicode) is safe.</summary>
    public static string Identifier(string name)
    {
        if (name.Contains('\0')) throw new ArgumentException($"Identifier contains a NUL character: '{name.Replace("\0", "\\0")}'.", nameof(name));
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>A qualified name <c>"schema"."name"</c> (or just <c>"name"</c> when the schema is null or empty).</summary>
    public static string Qualified(string? schema, string name)
        => string.IsNullOrEmpty(schema) ? Identifier(name) : Identifier(schema) + "." + Identifier(name);

    /// <summary>A single-quoted string literal; NULL for null.</summary>
    public static string Literal(string? value)
    {
        if (value is null) return "NULL";
        if (value.Contains('\0')) throw new ArgumentException("String literal contains a NUL character.", nameof(value));
        return "'" + value.Replace("'", "''") + "'";
    }

    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A list literal of strings: <c>['a', 'b']</c>.</summary>
    public static string StringList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Literal)) + "]";
}
