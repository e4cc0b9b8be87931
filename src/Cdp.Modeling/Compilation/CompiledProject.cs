using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Graph;
using Cdp.Modeling.Project;

namespace Cdp.Modeling.Compilation;

/// <summary>The result of compiling a project: the graph of nodes with their compiled SQL, and every diagnostic.</summary>
public sealed class CompiledProject
{
    public required ModelingProject Project { get; init; }

    public required TargetDefinition Target { get; init; }

    public required CompileOptions Options { get; init; }

    public required NodeGraph Graph { get; init; }

    public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Node> Nodes(NodeKind kind) => Graph.Nodes.Where(n => n.Kind == kind).OrderBy(n => n.UniqueId, StringComparer.Ordinal);
}
