using System.Globalization;
using System.Text;

namespace Cdp.Modeling.Templating.Jinja;

internal delegate object? Filter(Interpreter interpreter, object? value, TemplateArguments arguments);

/// <summary>The built-in filters (<c>x | name(args)</c>). Problems are thrown as <see cref="TemplateException"/>.</summary>
internal static class Filters
{
    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["lower"] = (_, v, _) => Text(v).ToLowerInvariant(),
        ["upper"] = (_, v, _) => Text(v).ToUpperInvariant(),
        ["trim"] = (_, v, a) => Methods.Strip(Text(v), a, start: true, end: true),
        ["capitalize"] = (_, v, _) => Capitalize(Text(v)),
        ["title"] = (_, v, _) => Title(Text(v)),
        ["replace"] = (_, v, a) => Methods.Replace(Text(v), Text(a.Get(0, "old")), Text(a.Get(1, "new")), a.Get(2, "count")),
        ["join"] = Join,
        ["default"] = Default,
        ["d"] = Default,
        ["length"] = (_, v, _) => (long)Values.Length(v),
        ["count"] = (_, v, _) => (long)Values.Length(v),
        ["first"] = (_, v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[0] : throw new TemplateException("'first' of an empty sequence"),
        ["last"] = (_, v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[^1] : throw new TemplateException("'last' of an empty sequence"),
        ["int"] = (_, v, a) => ToInt(v, a.Get(0, "default", 0L)),
        ["float"] = (_, v, a) => ToFloat(v, a.Get(0, "default", 0.0)),
        ["string"] = (_, v, _) => Values.ToText(v),
        ["list"] = (_, v, _) => Values.Iterate(v).ToList(),
        ["round"] = Round,
        ["abs"] = (_, v, _) => Values.IsInteger(v) ? (object)Math.Abs(Values.ToLong(v)) : Values.IsNumber(v) ? Math.Abs(Values.ToDouble(v))
            : throw new TemplateException($"abs() needs a number, not '{Values.TypeName(v)}'"),
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["reverse"] = (_, v, _) => v is string s ? new string(s.Reverse().ToArray()) : Values.Iterate(v).Reverse().ToList(),
        ["tojson"] = (_, v, a) => Json.Serialize(v, a.Get(0, "indent") is { } i ? (int)Values.ToLong(i) : null),
        ["map"] = Map,
        ["select"] = (i, v, a) => Select(i, v, a, keep: true),
        ["reject"] = (i, v, a) => Select(i, v, a, keep: false),
        ["selectattr"] = (i, v, a) => SelectAttribute(i, v, a, keep: true),
        ["rejectattr"] = (i, v, a) => SelectAttribute(i, v, a, keep: false),
        ["indent"] = Indent,
        ["sum"] = Sum,
        ["min"] = (_, v, a) => Extreme(v, a, sign: -1),
        ["max"] = (_, v, a) => Extreme(v, a, sign: 1),
        ["items"] = (_, v, _) => (Values.AsMap(v) ?? throw new TemplateException($"items needs a dict, not '{Values.TypeName(v)}'"))
            .Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList(),
        ["attr"] = (_, v, a) => Attributes.TryGet(v, Text(a.Get(0, "name")), out var r) ? r : throw new TemplateException($"'{Values.TypeName(v)}' has no attribute {Values.Repr(a.Get(0, "name"))}"),
        ["wordcount"] = (_, v, _) => (long)Text(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,
        ["safe"] = (_, v, _) => v,
        // dbt's filters.
        ["as_text"] = (_, v, _) => Values.ToText(v),
        ["as_bool"] = (_, v, _) => v is string s ? s.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => v } : v,
        ["as_number"] = (_, v, _) => v is string s ? ParseNumber(s) ?? v : v,
        ["as_native"] = (_, v, _) => v,
    };

    /// <summary>Stands in for a filter that does not exist (already reported when parsed).</summary>
    public static readonly Filter Unknown = (_, _, _) => throw new TemplateException("unknown filter");

    public static bool TryGet(string name, out Filter filter) => All.TryGetValue(name, out filter!);

    private static string Text(object? value) => value as string ?? Values.ToText(value);

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var startOfWord = true;
        foreach (var c in s)
        {
            sb.Append(startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            startOfWord = char.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
        }
        return sb.ToString();
    }

    private static object? Default(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var fallback = a.Get(0, "default_value", "");
        var boolean = Values.IsTrue(a.Get(1, "boolean", false));
        return value is Undefined || (boolean && !Values.IsTrue(value)) ? fallback : value;
    }

    private static object? Join(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var separator = Text(a.Get(0, "d", ""));
        var attribute = a.Get(1, "attribute") as string;
        var items = Values.Iterate(value).Select(x => attribute is null ? x : Attributes.GetPath(x, attribute));
        return string.Join(separator, items.Select(Values.ToText));
    }

    private static object ToInt(object? value, object? fallback)
    {
        switch (value)
        {
            case bool b: return b ? 1L : 0L;
            case long or int: return Values.ToLong(value);
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback ?? 0L;
            case string s:
                var t = s.Trim().Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f)) return (long)Math.Truncate(f);
                return fallback ?? 0L;
            default: return fallback ?? 0L;
        }
    }

    private static object ToFloat(object? value, object? fallback)
    {
        if (Values.IsNumber(value)) return Values.ToDouble(value);
        if (value is string s && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return fallback ?? 0.0;
    }

    private static object? ParseNumber(string s)
    {
        if (long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return null;
    }

    private static object Round(Interpreter interpreter, object? value, TemplateArguments a)
    {
        if (!Values.IsNumber(value)) throw new TemplateException($"round needs a number, not '{Values.TypeName(value)}'");
        var precision = (int)Values.ToLong(a.Get(0, "precision", 0L));
        var method = Text(a.Get(1, "method", "common"));
        var x = Values.ToDouble(value);
        var scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.AwayFromZero),
            "ceil" => Math.Ceiling(x * scale) / scale,
            "floor" => Math.Floor(x * scale) / scale,
            _ => throw new TemplateException("round method must be 'common', 'ceil' or 'floor'"),
        };
    }

    private static Func<object?, object?> KeyOf(TemplateArguments a, int attributeIndex, int caseIndex)
    {
        var attribute = a.Get(attributeIndex, "attribute") as string;
        var caseSensitive = Values.IsTrue(a.Get(caseIndex, "case_sensitive", false));
        return x =>
        {
            var key = attribute is null ? x : Attributes.GetPath(x, attribute);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        };
    }

    private static object Sort(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var reverse = Values.IsTrue(a.Get(0, "reverse", false));
        var key = KeyOf(a, 2, 1);
        var items = Values.Iterate(value).Select(x => (Key: key(x), Item: x)).ToList();
        var sorted = items.Order(Comparer<(object? Key, object? Item)>.Create((p, q) => Values.Compare(p.Key, q.Key))).Select(p => p.Item).ToList();
        if (reverse) sorted.Reverse();
        return sorted;
    }

    private static object Unique(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var key = KeyOf(a, 1, 0);
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in Values.Iterate(value))
        {
            var k = key(item);
            if (seen.Exists(s => Values.AreEqual(s, k))) continue;
            seen.Add(k);
            result.Add(item);
        }
        return result;
    }

    /// <summary>The filter or test arguments after the name: <c>map('replace', 'a', 'b')</c>.</summary>
    private static TemplateArguments Rest(TemplateArguments a, int skip)
        => new(a.Positional.Skip(skip).ToList(), a.Named);

    private static object Map(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var items = Values.Iterate(value);
        if (a.Named.TryGetValue("attribute", out var attribute))
        {
            var path = Values.RequireString(attribute, "map() attribute");
            var hasDefault = a.Named.TryGetValue("default", out var fallback);
            return items.Select(x =>
            {
                try
                {
                    return Attributes.GetPath(x, path);
                }
                catch (TemplateException) when (hasDefault)
                {
                    return fallback;
                }
            }).ToList();
        }
        var name = Values.RequireString(a.Get(0, "filter"), "map() filter name");
        if (!TryGet(name, out var filter)) throw new TemplateException($"unknown filter '{name}'");
        var rest = Rest(a, 1);
        return items.Select(x => filter(interpreter, x, rest)).ToList();
    }

    private static object Select(Interpreter interpreter, object? value, TemplateArguments a, bool keep)
    {
        var items = Values.Iterate(value);
        if (a.Positional.Count == 0) return items.Where(x => Values.IsTrue(x) == keep).ToList();
        var name = Values.RequireString(a.Positional[0], "test name");
        if (!Tests.TryGet(name, out var test)) throw new TemplateException($"unknown test '{name}'");
        var rest = Rest(a, 1);
        return items.Where(x => test(interpreter, x, rest) == keep).ToList();
    }

    private static object SelectAttribute(Interpreter interpreter, object? value, TemplateArguments a, bool keep)
    {
        var path = Values.RequireString(a.Get(0, "attribute"), "attribute name");
        var items = Values.Iterate(value);
        object? Attribute(object? x) => Attributes.TryGet(x, path, out var r) || Attributes.TryGetItem(x, path, out r) ? r : Undefined.Instance;
        if (a.Positional.Count < 2) return items.Where(x => Values.IsTrue(Attribute(x)) == keep).ToList();
        var name = Values.RequireString(a.Positional[1], "test name");
        if (!Tests.TryGet(name, out var test)) throw new TemplateException($"unknown test '{name}'");
        var rest = Rest(a, 2);
        return items.Where(x => test(interpreter, Attribute(x), rest) == keep).ToList();
    }

    private static object Indent(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var width = a.Get(0, "width", 4L);
        var indentation = width as string ?? new string(' ', (int)Values.ToLong(width));
        var first = Values.IsTrue(a.Get(1, "first", false));
        var blank = Values.IsTrue(a.Get(2, "blank", false));
        var lines = SplitLines(Text(value) + "\n");
        string result;
        if (blank)
        {
            result = string.Join("\n" + indentation, lines);
        }
        else
        {
            var sb = new StringBuilder(lines[0]);
            for (var i = 1; i < lines.Count; i++) sb.Append('\n').Append(lines[i].Length > 0 ? indentation + lines[i] : lines[i]);
            result = sb.ToString();
        }
        return first ? indentation + result : result;
    }

    /// <summary>Python's str.splitlines: no empty item after a final line break.</summary>
    private static List<string> SplitLines(string s)
    {
        var lines = s.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static object? Sum(Interpreter interpreter, object? value, TemplateArguments a)
    {
        var attribute = a.Get(0, "attribute") as string;
        object? total = a.Get(1, "start", 0L);
        foreach (var item in Values.Iterate(value)) total = Operators.Binary("+", total, attribute is null ? item : Attributes.GetPath(item, attribute));
        return total;
    }

    private static object? Extreme(object? value, TemplateArguments a, int sign)
    {
        var key = KeyOf(a, 1, 0);
        var items = Values.Iterate(value);
        if (items.Count == 0) throw new TemplateException("the sequence is empty");
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            if (Values.Compare(key(item), key(best)) * sign > 0) best = item;
        }
        return best;
    }
}
