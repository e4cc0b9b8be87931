namespace Cdp.Modeling.Templating.Jinja;

/// <summary>Global functions every template has unless the scope defines the name: range, dict, namespace, and dbt's return.</summary>
internal static class Builtins
{
    private static readonly Dictionary<string, TemplateFunction> All = new(StringComparer.Ordinal)
    {
        ["range"] = Range,
        ["dict"] = a =>
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (a.Positional.Count > 0)
            {
                var from = Values.AsMap(a.Positional[0]) ?? throw new TemplateException($"dict() needs a dict, not '{Values.TypeName(a.Positional[0])}'");
                foreach (var (k, v) in from) result[k] = v;
            }
            foreach (var (k, v) in a.Named) result[k] = v;
            return result;
        },
        ["namespace"] = a =>
        {
            var ns = new Namespace();
            foreach (var (k, v) in a.Named) ns.Attributes[k] = v;
            return ns;
        },
        ["return"] = a => throw new MacroReturn(a.Get(0, "value")),
    };

    public static bool TryGet(string name, out TemplateFunction function) => All.TryGetValue(name, out function!);

    private static object Range(TemplateArguments a)
    {
        long start = 0, stop, step = 1;
        var p = a.Positional;
        if (p.Count == 0 || p.Count > 3) throw new TemplateException("range() takes 1 to 3 arguments");
        long Integer(object? v) => Values.IsInteger(v) ? Values.ToLong(v) : throw new TemplateException($"range() arguments must be integers, not '{Values.TypeName(v)}'");
        if (p.Count == 1)
        {
            stop = Integer(p[0]);
        }
        else
        {
            start = Integer(p[0]);
            stop = Integer(p[1]);
            if (p.Count == 3) step = Integer(p[2]);
        }
        if (step == 0) throw new TemplateException("range() step cannot be zero");
        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (result.Count >= 100_000) throw new TemplateException("range() is limited to 100000 items");
            result.Add(i);
        }
        return result;
    }
}
