using System.Globalization;
using System.Text;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>The <c>tojson</c> filter: Python's json.dumps with sorted keys and HTML-safe escapes, as Jinja does it.</summary>
internal static class Json
{
    public static string Serialize(object? value, int? indent)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int? indent, int level)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case double or float:
                var d = Values.ToDouble(value);
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : Values.FormatFloat(d));
                return;
        }
        if (Values.IsNumber(value))
        {
            sb.Append(Values.ToText(value));
            return;
        }
        if (Values.AsMap(value) is { } map)
        {
            var entries = map.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            WriteContainer(sb, '{', '}', entries.Count, indent, level, i =>
            {
                WriteString(sb, entries[i].Key);
                sb.Append(": ");
                Write(sb, entries[i].Value, indent, level + 1);
            });
            return;
        }
        if (Values.AsList(value) is { } list)
        {
            WriteContainer(sb, '[', ']', list.Count, indent, level, i => Write(sb, list[i], indent, level + 1));
            return;
        }
        throw new TemplateException($"a value of type '{Values.TypeName(value)}' cannot be written as JSON");
    }

    private static void WriteContainer(StringBuilder sb, char open, char close, int count, int? indent, int level, Action<int> item)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(indent is null ? ", " : ",");
            if (indent is { } n) sb.Append('\n').Append(' ', n * (level + 1));
            item(i);
        }
        if (indent is { } m) sb.Append('\n').Append(' ', m * level);
        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '<' or '>' or '&' or '\'':
                case < ' ' or > '~':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
