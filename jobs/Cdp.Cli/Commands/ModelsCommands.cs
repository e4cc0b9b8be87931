using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Lake;
using Cdp.Modeling;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Templating;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary>Options of every <c>cdp models</c> command.</summary>
public class ModelsSettings : CdpSettings
{
    [CommandOption("--project-dir <DIR>")]
    [Description("The project: a folder with cdp.yml, or a dbt project with dbt_project.yml (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake models are read from and written to (default: the target's lake, then the project's, then <project-dir>/lake).")]
    public string? Lake { get; init; }

    [CommandOption("-s|--select <SELECTOR>")]
    [Description("Nodes to include: name (* wildcards), +name (with ancestors), name+ (with descendants), @name, tag:x, path:models/x, source:s.t, resource_type:seed, test_name:unique, config.materialized:table; a,b is an intersection; repeat or separate by spaces for a union.")]
    public string[] Select { get; init; } = [];

    [CommandOption("--exclude <SELECTOR>")]
    [Description("Nodes to leave out, same syntax as --select.")]
    public string[] Exclude { get; init; } = [];

    [CommandOption("--vars <YAML>")]
    [Description("Variables for var(), as a YAML mapping: \"{start_date: '2024-01-01'}\"; they override the project's.")]
    public string? Vars { get; init; }

    [CommandOption("--target <NAME>")]
    [Description("The target from the project file (default: its default-target).")]
    public string? Target { get; init; }
}

/// <summary>Options of commands that execute nodes.</summary>
public class ModelsRunSettings : ModelsSettings
{
    [CommandOption("--threads <N>")]
    [Description("Nodes run at the same time (default: the target's threads, else the core count).")]
    public int? Threads { get; init; }

    [CommandOption("--full-refresh")]
    [Description("Rebuild incremental models (and reload seeds) from scratch.")]
    public bool FullRefresh { get; init; }

    public override ValidationResult Validate()
        => Threads is < 1 or > 64 ? ValidationResult.Error("--threads must be between 1 and 64.") : base.Validate();
}

/// <summary>Shared by the <c>cdp models</c> commands: building the request, printing diagnostics and results.</summary>
public abstract class ModelsCommandBase<TSettings>(IAnsiConsole console) : CdpCommand<TSettings>(console) where TSettings : ModelsSettings
{
    protected static ModelingWorkflow Workflow() => new(new JinjaTemplateEngine());

    protected static ModelingRequest Request(TSettings settings, CommandContext context, IProgress<NodeResult>? progress = null) => new()
    {
        ProjectDirectory = settings.ProjectDir,
        // Made absolute here: the workflow resolves a relative lake against the project folder, as for cdp.yml's.
        Lake = LakeArgument.Resolve(settings.Lake),
        Target = settings.Target,
        Vars = CommandLineVars.Parse(settings.Vars),
        Select = settings.Select,
        Exclude = settings.Exclude,
        FullRefresh = settings is ModelsRunSettings { FullRefresh: true },
        Threads = (settings as ModelsRunSettings)?.Threads,
        Progress = progress,
        Arguments = context.Arguments.ToList(),
    };

    protected void PrintWarnings(CompileOutcome outcome, TSettings settings)
    {
        foreach (var d in outcome.Compiled.Diagnostics) Error.WriteLine(d.ToString());
        // A mistyped selector must not pass for a successful run of nothing.
        if (outcome.Selected.Count == 0)
        {
            var criteria = settings.Select.Length > 0 ? $"--select '{string.Join(" ", settings.Select)}'" : "the project";
            Error.WriteLine($"warning: {criteria}{(settings.Exclude.Length > 0 ? $" minus --exclude '{string.Join(" ", settings.Exclude)}'" : "")} matches no node; nothing to do.");
        }
    }

    /// <summary>Where warnings go: standard error, so that stdout stays one JSON document.</summary>
    protected static TextWriter Error => CdpApp.CurrentError;
}

/// <summary><c>cdp models compile</c>.</summary>
public sealed class ModelsCompileCommand(IAnsiConsole console) : ModelsCommandBase<ModelsSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelsSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = Sessions.WithSqlFunctions();
        var outcome = await Workflow().CompileAsync(lake, Request(settings, context), cancellationToken);
        PrintWarnings(outcome, settings);
        var nodes = outcome.SelectedNodes.Where(n => n.CompiledSql is not null).ToList();
        var printer = PrinterFor(settings);
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["manifest"] = outcome.ManifestPath,
                ["nodes"] = new JsonArray(nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["unique_id"] = n.UniqueId, ["compiled_path"] = n.CompiledPath, ["compiled_sql"] = n.CompiledSql,
                }).ToArray()),
            });
            return ExitCodes.Success;
        }
        printer.Rows(["node", "materialized", "compiled"], nodes.Select(n => (IReadOnlyList<object?>)[n.UniqueId, n.Materialized, n.CompiledPath]));
        Console.MarkupLine($"Compiled {nodes.Count} node(s); manifest: [bold]{Markup.Escape(outcome.ManifestPath)}[/]");
        return ExitCodes.Success;
    }
}

/// <summary><c>cdp models ls</c>.</summary>
public sealed class ModelsListCommand(IAnsiConsole console) : ModelsCommandBase<ModelsSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelsSettings settings, CancellationToken cancellationToken)
    {
        await using var lake = Sessions.WithSqlFunctions();
        var outcome = await Workflow().CompileAsync(lake, Request(settings, context), cancellationToken);
        PrintWarnings(outcome, settings);
        PrinterFor(settings).Rows(["unique_id", "type", "materialized", "relation", "depends_on", "tags"],
            outcome.SelectedNodes.Select(n => (IReadOnlyList<object?>)
            [
                n.UniqueId, n.Kind.ToString().ToLowerInvariant(), n.Materialized,
                n.Kind is NodeKind.Test or NodeKind.Analysis || n.Materialized == Materializations.Ephemeral ? null : n.RelationName,
                string.Join(" ", n.DependsOn), string.Join(" ", n.Tags),
            ]));
        return ExitCodes.Success;
    }
}

/// <summary><c>cdp models run</c>.</summary>
public sealed class ModelsRunCommand(IAnsiConsole console) : ModelsExecuteCommand(console, RunMode.Run);

/// <summary><c>cdp models test</c>.</summary>
public sealed class ModelsTestCommand(IAnsiConsole console) : ModelsExecuteCommand(console, RunMode.Test);

/// <summary><c>cdp models seed</c>.</summary>
public sealed class ModelsSeedCommand(IAnsiConsole console) : ModelsExecuteCommand(console, RunMode.Seed);

/// <summary><c>cdp models build</c>.</summary>
public sealed class ModelsBuildCommand(IAnsiConsole console) : ModelsExecuteCommand(console, RunMode.Build);

/// <summary><c>cdp models run|test|build|seed</c>: execute nodes, print a line per node and a summary.</summary>
public abstract class ModelsExecuteCommand(IAnsiConsole console, RunMode mode) : ModelsCommandBase<ModelsRunSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelsRunSettings settings, CancellationToken cancellationToken)
    {
        var printer = PrinterFor(settings);
        var done = 0;
        var progress = new SynchronousProgress<NodeResult>(r =>
        {
            done++;
            if (!printer.IsJson) PrintResult(done, r);
        });
        await using var lake = Sessions.WithSqlFunctions();
        var outcome = await Workflow().RunAsync(lake, Request(settings, context, progress), mode, cancellationToken);
        PrintWarnings(outcome.Compile, settings);
        var s = outcome.Summary;
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["invocation_id"] = s.InvocationId,
                ["succeeded"] = s.Succeeded,
                ["elapsed_seconds"] = Math.Round(s.Elapsed.TotalSeconds, 3),
                ["counts"] = new JsonObject(new[] { NodeStatus.Success, NodeStatus.Error, NodeStatus.Skipped, NodeStatus.Pass, NodeStatus.Fail, NodeStatus.Warn }
                    .Select(st => KeyValuePair.Create(st, (JsonNode?)s.Count(st)))),
                ["run_results"] = outcome.RunResultsPath,
                ["catalog"] = outcome.CatalogPath,
                ["results"] = new JsonArray(s.Results.Select(r => (JsonNode)new JsonObject
                {
                    ["unique_id"] = r.UniqueId, ["status"] = r.Status, ["message"] = r.Message, ["rows_affected"] = r.RowsAffected,
                    ["failures"] = r.Failures, ["delta_version"] = r.Version, ["seconds"] = Math.Round(r.Duration.TotalSeconds, 3),
                }).ToArray()),
            });
        }
        else
        {
            var parts = new[] { (NodeStatus.Success, "succeeded"), (NodeStatus.Pass, "passed"), (NodeStatus.Warn, "warned"), (NodeStatus.Error, "errored"), (NodeStatus.Fail, "failed"), (NodeStatus.Skipped, "skipped") }
                .Where(p => s.Count(p.Item1) > 0).Select(p => $"{s.Count(p.Item1)} {p.Item2}");
            var colour = s.Succeeded ? "green" : "red";
            var what = s.Results.Count == 0 ? "nothing ran" : string.Join(", ", parts);
            Console.MarkupLine($"[{colour}]Done.[/] {what} in {s.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s. " +
                               $"Results: {Markup.Escape(outcome.RunResultsPath)}; catalog for any DuckDB client: {Markup.Escape(outcome.CatalogPath ?? "-")}");
        }
        return s.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private void PrintResult(int index, NodeResult r)
    {
        var (label, colour) = r.Status switch
        {
            NodeStatus.Success => ("OK", "green"),
            NodeStatus.Pass => ("PASS", "green"),
            NodeStatus.Warn => ("WARN", "yellow"),
            NodeStatus.Skipped => ("SKIP", "grey"),
            NodeStatus.Fail => ("FAIL", "red"),
            _ => ("ERROR", "red"),
        };
        var what = $"{r.Kind.ToString().ToLowerInvariant()} {r.Name}";
        var seconds = r.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var message = string.IsNullOrEmpty(r.Message) ? "" : Markup.Escape(r.Message) + " ";
        Console.MarkupLine($"{index,4} [{colour}]{label,-5}[/] {Markup.Escape(what)} [grey]{message}({seconds} s)[/]");
    }
}
