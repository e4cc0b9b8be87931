using System.Text;
using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>A parsed template: its syntax tree and top-level macros. Immutable, so renders may run in parallel.</summary>
internal sealed class JinjaTemplate : ITemplate
{
    public JinjaTemplate(SourceText source, IReadOnlyList<Node> nodes)
    {
        Source = source;
        Nodes = nodes;
        var macros = new Dictionary<string, MacroNode>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var node in nodes)
        {
            if (node is not MacroNode { Name.Length: > 0 } macro) continue;
            if (macros.TryAdd(macro.Name, macro)) names.Add(macro.Name);
            else macros[macro.Name] = macro;
        }
        Macros = macros;
        MacroNames = names;
    }

    public SourceText Source { get; }

    public IReadOnlyList<Node> Nodes { get; }

    public IReadOnlyDictionary<string, MacroNode> Macros { get; }

    public string Path => Source.Path;

    public IReadOnlyList<string> MacroNames { get; }

    public string Render(TemplateScope globals, DiagnosticBag diagnostics)
    {
        var state = new RenderState(globals, diagnostics, this);
        var output = new StringBuilder(Source.Text.Length);
        new Interpreter(this, state).Execute(Nodes, state.RootFrame, output);
        return output.ToString();
    }
}
