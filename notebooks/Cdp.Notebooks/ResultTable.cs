using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using Cdp.Engine;

namespace Cdp.Notebooks;

/// <summary>
/// A query result as an HTML table (what a notebook shows) and as aligned plain text (what a headless run or a plain
/// text viewer keeps). Long results show their first rows and say how many more there are.
/// </summary>
public static class ResultTable
{
    public const int DefaultMaxRows = 50;

    /// <summary>
    /// Objects (records, anonymous objects) as a result with one column per public property, in declaration order,
    /// so that rows computed in C# show like query results.
    /// </summary>
    public static QueryResult From<T>(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var properties = typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .ToArray();
        if (properties.Length == 0)
            throw new ArgumentException($"{typeof(T).Name} has no public properties to show as columns; select a record or an anonymous object.", nameof(rows));
        var columns = properties.Select(p => new ResultColumn(p.Name, (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).Name)).ToList();
        var values = rows.Select(row => properties.Select(p => row is null ? null : p.GetValue(row)).ToArray()).ToList();
        return new QueryResult(columns, values);
    }

    public static string Html(QueryResult result, int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var column in result.Columns)
            html.Append("<th title=\"").Append(WebUtility.HtmlEncode(column.Type)).Append("\">").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in result.Rows.Take(maxRows))
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                html.Append(IsNumber(row[c]) ? "<td style=\"text-align:right\">" : "<td>");
                html.Append(WebUtility.HtmlEncode(Format(row[c]))).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        html.Append("<p><small>").Append(WebUtility.HtmlEncode(Footer(result, maxRows))).Append("</small></p>");
        return html.ToString();
    }

    public static string Text(QueryResult result, int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Rows.Take(maxRows).Select(r => r.Select(Format).ToArray()).ToList();
        var widths = result.Columns.Select((c, i) => rows.Select(r => r[i].Length).Append(c.Name.Length).Max()).ToArray();
        var numeric = result.Columns.Select((_, i) => result.Rows.Take(maxRows).Any(r => IsNumber(r[i]))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", result.Columns.Select((c, i) => Pad(c.Name, widths[i], numeric[i]))).TrimEnd());
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((v, i) => Pad(v, widths[i], numeric[i]))).TrimEnd());
        text.Append(Footer(result, maxRows));
        return text.ToString();
    }

    /// <summary>
    /// One value as text: NULL, numbers in invariant culture (at most four decimals), instants in ISO 8601 UTC,
    /// lists as <c>[a, b]</c> and structs as <c>{key: value}</c>.
    /// </summary>
    public static string Format(object? value) => value switch
    {
        null or DBNull => "NULL",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        decimal m => Math.Round(m, 4).ToString("0.####", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTime t => t.TimeOfDay == TimeSpan.Zero
            ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Format(k)}: {Format(map[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FormatDouble(double d)
        => double.IsFinite(d) ? Math.Round(d, 4).ToString("0.####", CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture);

    private static bool IsNumber(object? value)
        => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or System.Numerics.BigInteger;

    private static string Pad(string text, int width, bool right) => right ? text.PadLeft(width) : text.PadRight(width);

    private static string Footer(QueryResult result, int maxRows)
        => result.Rows.Count > maxRows
            ? string.Create(CultureInfo.InvariantCulture, $"({maxRows:N0} of {result.Rows.Count:N0} rows shown)")
            : string.Create(CultureInfo.InvariantCulture, $"({result.Rows.Count:N0} {(result.Rows.Count == 1 ? "row" : "rows")})");
}
