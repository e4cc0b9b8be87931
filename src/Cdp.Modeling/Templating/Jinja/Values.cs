using System.Collections;
using System.Globalization;
using System.Text;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>
/// Python semantics for template values: truthiness, rendering (<c>None</c>, <c>True</c>, <c>1.0</c>,
/// <c>['a', 1]</c>), equality and ordering. Lists are <see cref="List{T}"/> of object (tuples are arrays), dicts are
/// <see cref="Dictionary{TKey,TValue}"/> keyed by string.
/// </summary>
internal static class Values
{
    public static string TypeName(object? value) => value switch
    {
        object?[] => "tuple",
        MacroValue => "macro",
        Undefined => "undefined",
        LoopInfo => "loop",
        Namespace => "namespace",
        int or long or short or byte => "integer",
        float or double or decimal => "float",
        IReadOnlyDictionary<string, object?> or IDictionary => "dict",
        IReadOnlyList<object?> or IList => "list",
        _ => TemplateValues.TypeName(value),
    };

    /// <summary>Converts values handed in by functions or globals to the template's own types (long, double, ...).</summary>
    public static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        decimal m => (double)m,
        _ => value,
    };

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Undefined => false,
        _ when AsMap(value) is { } map => map.Count > 0,
        _ when AsList(value) is { } list => list.Count > 0,
        _ => true,
    };

    public static bool IsInteger(object? value) => value is long or int or short or byte;

    public static bool IsNumber(object? value) => value is long or int or short or byte or double or float or decimal or bool;

    public static double ToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    public static long ToLong(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    public static IReadOnlyList<object?>? AsList(object? value) => value switch
    {
        string => null,
        IReadOnlyList<object?> list => list,
        IDictionary => null,
        IList list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => null,
    };

    public static IReadOnlyDictionary<string, object?>? AsMap(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map,
        IDictionary map => map.Keys.Cast<object>().ToDictionary(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", k => Normalize(map[k]), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>The items a for loop or a filter goes through: list items, dict keys, string characters.</summary>
    public static IReadOnlyList<object?> Iterate(object? value)
    {
        switch (value)
        {
            case string s:
                var chars = new object?[s.Length];
                for (var i = 0; i < s.Length; i++) chars[i] = s[i].ToString();
                return chars;
            case null:
                throw new TemplateException("'none' is not iterable");
        }
        if (AsMap(value) is { } map) return map.Keys.ToList<object?>();
        if (AsList(value) is { } list) return list;
        if (value is IEnumerable enumerable) return enumerable.Cast<object?>().Select(Normalize).ToList();
        throw new TemplateException($"'{TypeName(value)}' is not iterable");
    }

    public static bool IsIterable(object? value) => value is string || AsMap(value) is not null || AsList(value) is not null || (value is IEnumerable && value is not null);

    public static int Length(object? value)
    {
        if (value is string s) return s.Length;
        if (AsMap(value) is { } map) return map.Count;
        if (AsList(value) is { } list) return list.Count;
        throw new TemplateException($"a value of type '{TypeName(value)}' has no length");
    }

    /// <summary>The value as it appears in rendered output.</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        float f => FormatFloat(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        Undefined => "",
        ITemplateObject o => o.ToString() ?? "",
        MacroValue m => m.ToString(),
        TemplateFunction => "<function>",
        _ => Repr(value),
    };

    /// <summary>Python's repr: how values appear inside rendered lists and dicts.</summary>
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case string s:
                AppendQuoted(sb, s);
                return;
            case object?[] tuple:
                sb.Append('(');
                for (var i = 0; i < tuple.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    AppendRepr(sb, tuple[i]);
                }
                sb.Append(tuple.Length == 1 ? ",)" : ")");
                return;
        }
        if (AsMap(value) is { } map)
        {
            sb.Append('{');
            var first = true;
            foreach (var (k, v) in map)
            {
                if (!first) sb.Append(", ");
                first = false;
                AppendQuoted(sb, k);
                sb.Append(": ");
                AppendRepr(sb, v);
            }
            sb.Append('}');
            return;
        }
        if (AsList(value) is { } list)
        {
            sb.Append('[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                AppendRepr(sb, list[i]);
            }
            sb.Append(']');
            return;
        }
        sb.Append(ToText(value));
    }

    private static void AppendQuoted(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\');
                    sb.Append(c);
                    break;
            }
        }
        sb.Append(quote);
    }

    /// <summary>A float the way Python's repr prints it: shortest round-trip digits, <c>1.0</c>, <c>1e-05</c>, <c>1e+16</c>.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var sign = "";
        if (r[0] == '-')
        {
            sign = "-";
            r = r[1..];
        }
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? r.Length : dot;
        var digits = r.Replace(".", "", StringComparison.Ordinal);
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0') leading++;
        digits = digits[leading..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var point = integerDigits - leading + exponent;
        var scientific = point - 1;
        if (scientific < -4 || scientific >= 16)
        {
            var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return sign + mantissa + "e" + (scientific < 0 ? "-" : "+") + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
        }
        if (point <= 0) return sign + "0." + new string('0', -point) + digits;
        if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
        return sign + digits[..point] + "." + digits[point..];
    }

    public static bool AreEqual(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a) == ToLong(b) : ToDouble(a) == ToDouble(b);
        }
        if (a is string sa) return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
        if (b is string) return false;
        if (AsMap(a) is { } ma)
        {
            if (AsMap(b) is not { } mb || ma.Count != mb.Count) return false;
            foreach (var (k, v) in ma)
            {
                if (!mb.TryGetValue(k, out var w) || !AreEqual(v, w)) return false;
            }
            return true;
        }
        if (AsList(a) is { } la)
        {
            if (AsList(b) is not { } lb || la.Count != lb.Count || (a is object?[]) != (b is object?[])) return false;
            for (var i = 0; i < la.Count; i++)
            {
                if (!AreEqual(la[i], lb[i])) return false;
            }
            return true;
        }
        return a.Equals(b);
    }

    /// <summary>Ordering for &lt; &gt; and sorting: numbers, strings (ordinal), lists element by element.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? ToLong(a).CompareTo(ToLong(b)) : ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb) switch { < 0 => -1, > 0 => 1, _ => 0 };
        if (a is not string && b is not string && AsList(a) is { } la && AsList(b) is { } lb)
        {
            for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (!AreEqual(la[i], lb[i])) return Compare(la[i], lb[i], op);
            }
            return la.Count.CompareTo(lb.Count);
        }
        throw new TemplateException($"'{op}' is not supported between '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static string RequireString(object? value, string what)
        => value as string ?? throw new TemplateException($"{what} must be a string, not '{TypeName(value)}'");
}
