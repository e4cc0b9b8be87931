namespace Cdp.Modeling.Templating.Jinja;

/// <summary>Arithmetic, concatenation and membership with Python semantics. Errors are <see cref="TemplateException"/>.</summary>
internal static class Operators
{
    public static object? Binary(string op, object? a, object? b)
    {
        if (op == "~") return Values.ToText(a) + Values.ToText(b);
        try
        {
            return op switch
            {
                "+" => Add(a, b),
                "-" => Arithmetic(op, a, b, (x, y) => checked(x - y), (x, y) => x - y),
                "*" => Multiply(a, b),
                "/" => Divide(a, b),
                "//" => FloorDivide(a, b),
                "%" => Modulo(a, b),
                "**" => Power(a, b),
                _ => throw new TemplateException($"unknown operator '{op}'"),
            };
        }
        catch (OverflowException)
        {
            throw new TemplateException($"integer overflow in '{op}'");
        }
    }

    public static object? Unary(string op, object? value)
    {
        if (!Values.IsNumber(value)) throw new TemplateException($"bad operand type for unary {op}: '{Values.TypeName(value)}'");
        if (op == "+") return value is bool ? Values.ToLong(value) : value;
        return Values.IsInteger(value) || value is bool ? (object)checked(-Values.ToLong(value)) : -Values.ToDouble(value);
    }

    public static bool Contains(object? container, object? item)
    {
        if (container is string s)
        {
            return item is string needle
                ? s.Contains(needle, StringComparison.Ordinal)
                : throw new TemplateException($"'in <string>' needs a string on the left, not '{Values.TypeName(item)}'");
        }
        if (Values.AsMap(container) is { } map) return item is string key && map.ContainsKey(key);
        if (Values.AsList(container) is { } list) return list.Any(x => Values.AreEqual(x, item));
        throw new TemplateException($"argument of type '{Values.TypeName(container)}' is not iterable");
    }

    private static TemplateException Unsupported(string op, object? a, object? b)
        => new($"unsupported operand types for {op}: '{Values.TypeName(a)}' and '{Values.TypeName(b)}'");

    private static object Arithmetic(string op, object? a, object? b, Func<long, long, long> integer, Func<double, double, double> real)
    {
        if (!Values.IsNumber(a) || !Values.IsNumber(b)) throw Unsupported(op, a, b);
        return IsIntegral(a) && IsIntegral(b) ? (object)integer(Values.ToLong(a), Values.ToLong(b)) : real(Values.ToDouble(a), Values.ToDouble(b));
    }

    private static bool IsIntegral(object? value) => Values.IsInteger(value) || value is bool;

    private static object? Add(object? a, object? b)
    {
        if (a is string sa && b is string sb) return sa + sb;
        if (a is not string && b is not string && Values.AsList(a) is { } la && Values.AsList(b) is { } lb)
        {
            if (a is object?[] && b is object?[]) return la.Concat(lb).ToArray();
            if (a is object?[] || b is object?[]) throw Unsupported("+", a, b);
            return la.Concat(lb).ToList();
        }
        return Arithmetic("+", a, b, (x, y) => checked(x + y), (x, y) => x + y);
    }

    private static object? Multiply(object? a, object? b)
    {
        if (a is string s && IsIntegral(b)) return Repeat(s, Values.ToLong(b));
        if (b is string t && IsIntegral(a)) return Repeat(t, Values.ToLong(a));
        if (a is not string && Values.AsList(a) is { } list && IsIntegral(b))
        {
            var result = new List<object?>();
            for (var i = 0L; i < Values.ToLong(b); i++) result.AddRange(list);
            return result;
        }
        return Arithmetic("*", a, b, (x, y) => checked(x * y), (x, y) => x * y);
    }

    private static string Repeat(string s, long count) => count <= 0 ? "" : string.Concat(Enumerable.Repeat(s, checked((int)count)));

    private static object Divide(object? a, object? b)
    {
        if (!Values.IsNumber(a) || !Values.IsNumber(b)) throw Unsupported("/", a, b);
        var divisor = Values.ToDouble(b);
        if (divisor == 0) throw new TemplateException("division by zero");
        return Values.ToDouble(a) / divisor;
    }

    private static object FloorDivide(object? a, object? b)
    {
        if (!Values.IsNumber(a) || !Values.IsNumber(b)) throw Unsupported("//", a, b);
        if (Values.ToDouble(b) == 0) throw new TemplateException("division by zero");
        if (IsIntegral(a) && IsIntegral(b))
        {
            long x = Values.ToLong(a), y = Values.ToLong(b);
            var q = x / y;
            return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;
        }
        return Math.Floor(Values.ToDouble(a) / Values.ToDouble(b));
    }

    private static object Modulo(object? a, object? b)
    {
        if (a is string) throw new TemplateException("'%' string formatting is not supported; use ~ or format()");
        if (!Values.IsNumber(a) || !Values.IsNumber(b)) throw Unsupported("%", a, b);
        if (Values.ToDouble(b) == 0) throw new TemplateException("division by zero");
        if (IsIntegral(a) && IsIntegral(b))
        {
            long x = Values.ToLong(a), y = Values.ToLong(b);
            var r = x % y;
            return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
        }
        double dx = Values.ToDouble(a), dy = Values.ToDouble(b);
        var m = dx % dy;
        return m != 0 && ((m < 0) != (dy < 0)) ? m + dy : m;
    }

    private static object Power(object? a, object? b)
    {
        if (!Values.IsNumber(a) || !Values.IsNumber(b)) throw Unsupported("**", a, b);
        if (IsIntegral(a) && IsIntegral(b) && Values.ToLong(b) >= 0)
        {
            long result = 1, x = Values.ToLong(a), e = Values.ToLong(b);
            if (x is 0 or 1) return e == 0 ? 1L : x;
            if (x == -1) return e % 2 == 0 ? 1L : -1L;
            for (; e > 0; e--) result = checked(result * x);
            return result;
        }
        return Math.Pow(Values.ToDouble(a), Values.ToDouble(b));
    }
}
