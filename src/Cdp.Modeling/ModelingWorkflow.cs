using Cdp.Lake;
using Cdp.Modeling.Artifacts;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Graph;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling;

/// <summary>What a <c>cdp models</c> command asks for.</summary>
public sealed record ModelingRequest
{
    public required string ProjectDirectory { get; init; }

    /// <summary>The lake URI; default the target's lake, then the project's, then <c>lake/</c> in the project directory.</summary>
    public string? Lake { get; init; }

    public string? Target { get; init; }

    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    public IReadOnlyList<string> Select { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    public bool FullRefresh { get; init; }

    public int? Threads { get; init; }

    public IProgress<NodeResult>? Progress { get; init; }

    /// <summary>The command line, recorded in run_results.json.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A compiled project with the lake it compiled against and the selected nodes.</summary>
public sealed record CompileOutcome(CompiledProject Compiled, string LakeUri, IReadOnlySet<string> Selected, string ManifestPath)
{
    public IEnumerable<Node> SelectedNodes => Selected.Select(id => Compiled.Graph[id]).OrderBy(n => n.UniqueId, StringComparer.Ordinal);
}

public sealed record RunOutcome(CompileOutcome Compile, RunSummary Summary, string RunResultsPath, string? CatalogPath);

/// <summary>
/// The modeling jobs end to end: load the project, compile it against the lake's current state, write the artifacts,
/// run the selected nodes, record the results and refresh the analysts' catalog file.
/// </summary>
public sealed class ModelingWorkflow(ITemplateEngine templates)
{
    public const string CatalogFileName = "catalog.duckdb";

    /// <summary>Loads and compiles; throws <see cref="ModelingException"/> with every diagnostic when there is an error.</summary>
    public async Task<CompileOutcome> CompileAsync(LakeSession lake, ModelingRequest request, CancellationToken cancellationToken = default)
    {
        var diagnostics = new DiagnosticBag();
        var project = ProjectLoader.Load(Path.GetFullPath(request.ProjectDirectory), diagnostics);
        diagnostics.ThrowIfErrors($"The project in '{request.ProjectDirectory}' has {diagnostics.ErrorCount} error(s).");

        var lakeUri = project.ResolveLake(request.Lake, request.Target);

        var existing = (await LakeCatalog.FindTablesAsync(lake.Store(lakeUri), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var options = new CompileOptions
        {
            Target = request.Target,
            Vars = request.Vars,
            FullRefresh = request.FullRefresh,
            RelationExists = node => existing.Contains(LakeLayout.TablePath(node)),
        };
        var compiled = new ProjectCompiler(templates).Compile(project, options, diagnostics);
        diagnostics.ThrowIfErrors($"Compiling '{request.ProjectDirectory}' found {diagnostics.ErrorCount} error(s).");

        var selected = Selector.Select(compiled.Graph, request.Select, request.Exclude).ToHashSet(StringComparer.Ordinal);
        // Tests follow the nodes they test (dbt's eager indirect selection).
        if (request.Select.Count > 0)
        {
            var excluded = request.Exclude.Count > 0 ? Selector.Select(compiled.Graph, request.Exclude, []) : new HashSet<string>();
            foreach (var test in compiled.Nodes(NodeKind.Test))
            {
                if (!excluded.Contains(test.UniqueId) && compiled.Graph.Parents(test.UniqueId).Any(selected.Contains)) selected.Add(test.UniqueId);
            }
        }
        ArtifactWriter.WriteCompiled(compiled);
        var manifest = ArtifactWriter.WriteManifest(compiled);
        return new CompileOutcome(compiled, lakeUri, selected, manifest);
    }

    /// <summary>Compiles, runs the selected nodes of <paramref name="mode"/>, writes run_results.json and refreshes the catalog file.</summary>
    public async Task<RunOutcome> RunAsync(LakeSession lake, ModelingRequest request, RunMode mode, CancellationToken cancellationToken = default)
    {
        var compile = await CompileAsync(lake, request, cancellationToken).ConfigureAwait(false);
        var runner = new ModelRunner(lake, compile.LakeUri);
        var summary = await runner.RunAsync(compile.Compiled, compile.Selected, new RunOptions { Mode = mode, Threads = request.Threads, Progress = request.Progress }, cancellationToken)
            .ConfigureAwait(false);
        var runResults = ArtifactWriter.WriteRunResults(compile.Compiled, summary, request.Arguments);
        var catalog = Path.Combine(compile.Compiled.Project.TargetPath, CatalogFileName);
        await lake.WriteCatalogFileAsync(compile.LakeUri, catalog, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(compile, summary, runResults, catalog);
    }
}
