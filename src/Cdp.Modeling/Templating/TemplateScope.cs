namespace Cdp.Modeling.Templating;

/// <summary>
/// The global names a template renders with: variables, functions (<see cref="TemplateFunction"/>) and the macros of
/// other templates. Values are C# objects: null (None), bool, long, double, string, lists
/// (<see cref="IReadOnlyList{T}"/> of object?), dictionaries (<see cref="IReadOnlyDictionary{TKey,TValue}"/> of
/// string to object?), <see cref="TemplateFunction"/> and <see cref="ITemplateObject"/>.
/// </summary>
public sealed class TemplateScope
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ITemplate Template, string Name)> _macros = new(StringComparer.Ordinal);

    public void Set(string name, object? value) => _values[name] = value;

    public void SetFunction(string name, TemplateFunction function) => _values[name] = function;

    /// <summary>Makes every top-level macro of <paramref name="template"/> callable by name.</summary>
    public void AddMacros(ITemplate template)
    {
        foreach (var name in template.MacroNames) _macros[name] = (template, name);
    }

    public bool TryGet(string name, out object? value) => _values.TryGetValue(name, out value);

    public bool TryGetMacro(string name, out ITemplate? template)
    {
        var found = _macros.TryGetValue(name, out var m);
        template = found ? m.Template : null;
        return found;
    }

    public IEnumerable<string> Names => _values.Keys.Concat(_macros.Keys);

    /// <summary>A copy sharing the macros and values, to which a render can add its own names.</summary>
    public TemplateScope Clone()
    {
        var copy = new TemplateScope();
        foreach (var (k, v) in _values) copy._values[k] = v;
        foreach (var (k, v) in _macros) copy._macros[k] = v;
        return copy;
    }
}

/// <summary>A function callable from templates, such as <c>ref()</c>, <c>var()</c> or <c>config()</c>.</summary>
/// <remarks>Throw <see cref="TemplateException"/> to report a problem at the call's location.</remarks>
public delegate object? TemplateFunction(TemplateArguments arguments);

/// <summary>The arguments of one call: positional, then keyword.</summary>
public sealed class TemplateArguments(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
{
    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyDictionary<string, object?> Named { get; } = named;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
        => index < Positional.Count ? Positional[index] : Named.TryGetValue(name, out var v) ? v : fallback;

    public bool Has(int index, string name) => index < Positional.Count || Named.ContainsKey(name);

    /// <summary>A required string argument.</summary>
    public string GetString(int index, string name, string function)
        => Get(index, name) switch
        {
            string s => s,
            null => throw new TemplateException($"{function}() needs the argument '{name}'"),
            var other => throw new TemplateException($"{function}() argument '{name}' must be a string, not {TemplateValues.TypeName(other)}"),
        };
}

/// <summary>An object with attributes (<c>this.name</c>, <c>target.schema</c>); rendered with ToString().</summary>
public interface ITemplateObject
{
    bool TryGetAttribute(string name, out object? value);
}

/// <summary>A problem a function reports; becomes a diagnostic at the call's location.</summary>
public sealed class TemplateException(string message) : Exception(message);

public static class TemplateValues
{
    /// <summary>The Python-style type name used in messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "none",
        bool => "boolean",
        long or int => "integer",
        double => "float",
        string => "string",
        IReadOnlyDictionary<string, object?> => "dict",
        IReadOnlyList<object?> => "list",
        TemplateFunction => "function",
        _ => value.GetType().Name,
    };
}
