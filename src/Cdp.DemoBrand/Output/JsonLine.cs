using System.Globalization;
using System.Text;

namespace Cdp.DemoBrand.Output;

/// <summary>Builds one JSON object on one line, fields in the order they are added (a stable, byte-exact layout).</summary>
internal sealed class JsonLine
{
    private readonly StringBuilder _sb = new(256);

    public JsonLine Begin()
    {
        _sb.Clear();
        _sb.Append('{');
        return this;
    }

    public JsonLine Str(string name, string? value)
    {
        Name(name);
        if (value is null) _sb.Append("null");
        else Quote(value);
        return this;
    }

    public JsonLine Int(string name, long value)
    {
        Name(name);
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonLine Money(string name, decimal value)
    {
        Name(name);
        _sb.Append(value.ToString("0.00", CultureInfo.InvariantCulture));
        return this;
    }

    public JsonLine Time(string name, DateTime utc)
    {
        Name(name);
        _sb.Append('"').Append(Times.Iso(utc)).Append('"');
        return this;
    }

    /// <summary>The finished line (without line end).</summary>
    public string End()
    {
        _sb.Append('}');
        return _sb.ToString();
    }

    private void Name(string name)
    {
        if (_sb.Length > 1) _sb.Append(',');
        _sb.Append('"').Append(name).Append("\":");
    }

    private void Quote(string s)
    {
        _sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                default:
                    if (c < ' ') _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _sb.Append(c);
                    break;
            }
        }
        _sb.Append('"');
    }
}

/// <summary>Timestamp formats of the silos.</summary>
internal static class Times
{
    /// <summary>ISO 8601 UTC with seconds: 2026-03-01T10:12:33Z.</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A local wall-clock time as tills and CRMs export it: 2026-03-01 10:12:33.</summary>
    public static string Local(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Date(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Hours ahead of UTC for a country's wall clock (summer time ignored).</summary>
    public static int UtcOffsetHours(string country) => country == "GB" ? 0 : 1;
}
