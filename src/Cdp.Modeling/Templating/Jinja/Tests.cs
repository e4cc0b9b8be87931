namespace Cdp.Modeling.Templating.Jinja;

internal delegate bool Test(Interpreter interpreter, object? value, TemplateArguments arguments);

/// <summary>The built-in tests (<c>x is name</c>).</summary>
internal static class Tests
{
    private static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (_, v, _) => v is not Undefined,
        ["undefined"] = (_, v, _) => v is Undefined,
        ["none"] = (_, v, _) => v is null,
        ["string"] = (_, v, _) => v is string,
        ["number"] = (_, v, _) => Values.IsNumber(v),
        ["integer"] = (_, v, _) => Values.IsInteger(v),
        ["float"] = (_, v, _) => v is double or float or decimal,
        ["boolean"] = (_, v, _) => v is bool,
        ["true"] = (_, v, _) => v is true,
        ["false"] = (_, v, _) => v is false,
        ["mapping"] = (_, v, _) => v is not Undefined && Values.AsMap(v) is not null,
        ["iterable"] = (_, v, _) => v is not Undefined && Values.IsIterable(v),
        ["sequence"] = (_, v, _) => v is string || Values.AsMap(v) is not null || Values.AsList(v) is not null,
        ["callable"] = (_, v, _) => v is TemplateFunction or MacroValue,
        ["odd"] = (_, v, _) => Integer(v) % 2 != 0,
        ["even"] = (_, v, _) => Integer(v) % 2 == 0,
        ["divisibleby"] = (_, v, a) => Integer(a.Get(0, "num")) is var n && n != 0 ? Integer(v) % n == 0 : throw new TemplateException("division by zero"),
        ["lower"] = (_, v, _) => v is string s && s == s.ToLowerInvariant(),
        ["upper"] = (_, v, _) => v is string s && s == s.ToUpperInvariant(),
        ["eq"] = (_, v, a) => Values.AreEqual(v, a.Get(0, "other")),
        ["equalto"] = (_, v, a) => Values.AreEqual(v, a.Get(0, "other")),
        ["=="] = (_, v, a) => Values.AreEqual(v, a.Get(0, "other")),
        ["ne"] = (_, v, a) => !Values.AreEqual(v, a.Get(0, "other")),
        ["!="] = (_, v, a) => !Values.AreEqual(v, a.Get(0, "other")),
        ["lt"] = (_, v, a) => Values.Compare(v, a.Get(0, "other"), "<") < 0,
        ["le"] = (_, v, a) => Values.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["gt"] = (_, v, a) => Values.Compare(v, a.Get(0, "other"), ">") > 0,
        ["ge"] = (_, v, a) => Values.Compare(v, a.Get(0, "other"), ">=") >= 0,
        ["in"] = (_, v, a) => Operators.Contains(a.Get(0, "seq"), v),
        ["sameas"] = (_, v, a) => a.Get(0, "other") is var o && (v is null || o is null || v is bool || o is bool ? Values.AreEqual(v, o) && v?.GetType() == o?.GetType() : ReferenceEquals(v, o)),
    };

    /// <summary>Stands in for a test that does not exist (already reported when parsed).</summary>
    public static readonly Test Unknown = (_, _, _) => throw new TemplateException("unknown test");

    public static bool TryGet(string name, out Test test) => All.TryGetValue(name, out test!);

    /// <summary>Tests that accept an undefined operand instead of reporting it.</summary>
    public static bool AcceptsUndefined(string name) => name is "defined" or "undefined";

    private static long Integer(object? value)
        => Values.IsInteger(value) || value is bool ? Values.ToLong(value) : throw new TemplateException($"expected an integer, not '{Values.TypeName(value)}'");
}
