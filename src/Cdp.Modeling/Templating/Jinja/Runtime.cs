using System.Globalization;
using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>A scope of local names: the template's top level, a loop iteration, a macro call.</summary>
internal sealed class Frame(Frame? parent)
{
    private Dictionary<string, object?>? _names;

    public Frame? Parent { get; } = parent;

    public void Set(string name, object? value) => (_names ??= new(StringComparer.Ordinal))[name] = value;

    public bool TryGet(string name, out object? value)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame._names is not null && frame._names.TryGetValue(name, out value)) return true;
        }
        value = null;
        return false;
    }
}

/// <summary>The value of a missing name where that is allowed (<c>is defined</c>, <c>default</c>); never rendered.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();

    private Undefined()
    {
    }
}

/// <summary>A macro as a value: its definition, the template it lives in, and the scope it sees besides its arguments.</summary>
internal sealed class MacroValue(MacroNode node, JinjaTemplate template, Frame? closure)
{
    public MacroNode Node { get; } = node;

    public JinjaTemplate Template { get; } = template;

    public Frame? Closure { get; } = closure;

    public override string ToString() => $"<macro {Node.Name}>";
}

/// <summary>The <c>loop</c> variable of a for loop.</summary>
internal sealed class LoopInfo(IReadOnlyList<object?> items) : ITemplateObject
{
    public int Index0 { get; set; }

    public bool TryGetAttribute(string name, out object? value)
    {
        var length = items.Count;
        value = name switch
        {
            "index" => (long)Index0 + 1,
            "index0" => (long)Index0,
            "revindex" => (long)(length - Index0),
            "revindex0" => (long)(length - Index0 - 1),
            "first" => Index0 == 0,
            "last" => Index0 == length - 1,
            "length" => (long)length,
            "depth" => 1L,
            "depth0" => 0L,
            "previtem" => Index0 > 0 ? items[Index0 - 1] : null,
            "nextitem" => Index0 < length - 1 ? items[Index0 + 1] : null,
            "cycle" => new TemplateFunction(args => args.Positional.Count == 0
                ? throw new TemplateException("loop.cycle() needs at least one value")
                : args.Positional[Index0 % args.Positional.Count]),
            _ => Undefined.Instance,
        };
        return value is not Undefined;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"<loop {Index0 + 1} of {items.Count}>");
}

/// <summary>The object <c>namespace()</c> returns: attributes assignable with <c>{% set ns.x = ... %}</c>, also from inside loops.</summary>
internal sealed class Namespace : ITemplateObject
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    public bool TryGetAttribute(string name, out object? value) => Attributes.TryGetValue(name, out value);

    public override string ToString() => "<Namespace " + Values.Repr(Attributes) + ">";
}

/// <summary>An error while rendering, at an expression of a template; reported by the statement that contains it.</summary>
internal sealed class RenderError(JinjaTemplate template, int offset, string message) : Exception(message)
{
    public JinjaTemplate Template { get; } = template;

    public int Offset { get; } = offset;
}

/// <summary>dbt's <c>return(value)</c>: ends the macro being called, which then yields the value instead of its text.</summary>
internal sealed class MacroReturn(object? value) : Exception("return() outside a macro")
{
    public object? Value { get; } = value;
}

/// <summary>What one render shares across the templates whose macros it calls.</summary>
internal sealed class RenderState(TemplateScope globals, DiagnosticBag diagnostics, JinjaTemplate root)
{
    /// <summary>The template being rendered; its macros see its top-level names.</summary>
    public JinjaTemplate RootTemplate { get; } = root;

    public Frame RootFrame { get; } = new(null);

    private readonly HashSet<(string File, int Offset, string Message)> _reported = [];

    public TemplateScope Globals { get; } = globals;

    public int Depth { get; set; }

    /// <summary>Reports an error once per location and message (a failing expression in a loop fails every iteration).</summary>
    public void Report(JinjaTemplate template, int offset, string message)
    {
        if (_reported.Add((template.Path, offset, message))) diagnostics.Add(template.Source.Error(offset, message));
    }
}
