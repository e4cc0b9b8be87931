using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Identity.Graph;
using Cdp.Identity.Resolution;
using Cdp.Lake;
using Cdp.Modeling.Project;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public class IdentitySettings : CdpSettings
{
    [CommandOption("--project-dir <DIR>")]
    [Description("The folder holding cdp.yml, whose identity: section holds the rules (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake (default: the default target's lake, then the project's, then <project-dir>/lake).")]
    public string? Lake { get; init; }
}

public sealed class IdentityExplainSettings : IdentitySettings
{
    [CommandArgument(0, "<identifier>")]
    [Description("An identifier as type:value (email:ana@example.com, customer_number:C123) or a bare value.")]
    public string Identifier { get; init; } = "";

    [CommandArgument(1, "[other]")]
    [Description("A second identifier: prints the shortest chain of records linking the two, or why they are apart.")]
    public string? Other { get; init; }
}

/// <summary>The project, its rules and the lake's identity tables, as every identity command needs them.</summary>
internal sealed record IdentityContext(ModelingProject Project, IdentityRules Rules, string LakeUri)
{
    public static IdentityContext Load(string projectDir, string? lake)
    {
        var (project, lakeUri) = ProjectFile.LoadWithLake(projectDir, lake);
        var rules = IdentityConfig.Read(project.Sections.GetValueOrDefault("identity") as IReadOnlyDictionary<string, object?>, project.RootDirectory);
        return new IdentityContext(project, rules, lakeUri);
    }

    public string? DefaultPhoneRegion => Project.Vars.GetValueOrDefault("default_phone_region") as string;

    /// <summary>Registers every table of the lake; the result names a table as <c>zone.name</c> when it exists.</summary>
    public async Task<Func<string, string, string?>> RegisterAsync(LakeSession lake, CancellationToken ct)
    {
        var tables = await lake.RegisterLakeAsync(LakeUri, ct);
        return (zone, name) => tables.Any(t => t.Schema == zone && t.Name == name) ? zone + "." + name : null;
    }

    /// <summary>Registers the lake and returns the published person map as a relation; an error when there is none yet.</summary>
    public async Task<string> PersonMapAsync(LakeSession lake, CancellationToken ct)
        => (await RegisterAsync(lake, ct))("silver", IdentityTables.PersonMap)
           ?? throw NoPersonMap();

    public IdentityException NoPersonMap() => new($"no published person map in the lake {LakeUri}; run: cdp identity run");

    /// <summary>Registers the lake and names the relations a run reads; the edges model must have been built.</summary>
    public async Task<IdentityTables> TablesAsync(LakeSession lake, CancellationToken ct)
    {
        var relation = await RegisterAsync(lake, ct);
        bool Has(string name) => relation("silver", name) is not null;
        if (!Has("identity_edges"))
            throw new IdentityException($"no table silver/identity_edges in the lake {LakeUri}; build it first: cdp models build -s +tag:identity");
        return new IdentityTables(
            "silver.identity_edges",
            Has(IdentityTables.PersonMap) ? "silver." + IdentityTables.PersonMap : null,
            Has(IdentityTables.Runs) ? "silver." + IdentityTables.Runs : null,
            name => lake.OpenTable(LakeUri.TrimEnd('/') + "/silver/" + name));
    }

    /// <summary>One identity run with progress on the console when a person watches.</summary>
    public async Task<ResolutionResult> ResolveAsync(LakeSession lake, Action<string>? progress, CancellationToken ct)
    {
        var tables = await TablesAsync(lake, ct);
        return await new IdentityResolver(lake.Engine, Rules).RunAsync(tables, progress is null ? null : new SynchronousProgress<string>(progress), ct);
    }
}

/// <summary><c>cdp identity run</c>: clusters the identifier graph into persons and publishes the person map when healthy.</summary>
public sealed class IdentityRunCommand(IAnsiConsole console) : CdpCommand<IdentitySettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, IdentitySettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var identity = IdentityContext.Load(settings.ProjectDir, settings.Lake);
            await using var lake = Sessions.WithSqlFunctions();
            var printer = PrinterFor(settings);
            var result = await WithStatusAsync(settings, "resolving identities", () => identity.ResolveAsync(lake, null, cancellationToken));
            Print(printer, result);
            if (!result.Published)
            {
                foreach (var v in result.Violations) await CdpApp.CurrentError.WriteLineAsync($"error: health gate: {v}");
            }
            return result.Published ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (IdentityException e)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    internal static IEnumerable<(string Field, object? Value)> SummaryFields(ResolutionResult result)
    {
        var run = result.Run;
        var h = run.Health;
        yield return ("run_id", run.RunId);
        yield return ("status", result.Published ? "published" : "failed");
        yield return ("identifiers", run.Identifiers);
        yield return ("edges", run.Edges);
        yield return ("persons", h.Persons);
        yield return ("new_persons", run.NewPersons);
        yield return ("kept_persons", run.KeptPersons);
        yield return ("restored_persons", run.RestoredPersons);
        yield return ("merges", h.Merges);
        yield return ("splits", h.Splits);
        foreach (var (decision, count) in h.EdgesByDecision) yield return ("edges_" + decision.Label(), count);
        yield return ("largest_person_anchors", h.LargestClusterAnchors);
        yield return ("largest_person_identifiers", h.LargestClusterNodes);
        yield return ("anchors_per_person", new JsonObject(h.AnchorsPerPerson.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))));
        yield return ("edges_by_types", new JsonObject(h.EdgesByTypes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))));
        yield return ("violations", new JsonArray(result.Violations.Select(v => (JsonNode?)v).ToArray()));
        yield return ("seconds", Math.Round(result.ReadSeconds + result.ClusterSeconds + result.WriteSeconds, 2));
    }

    private static void Print(Printer printer, ResolutionResult result)
        => printer.Summary(string.Create(CultureInfo.InvariantCulture, $"identity run ({(result.Published ? "published" : "not published: health gate failed")})"), SummaryFields(result));
}

/// <summary><c>cdp identity explain</c>: who an identifier belongs to and why, edge by edge.</summary>
public sealed class IdentityExplainCommand(IAnsiConsole console) : CdpCommand<IdentityExplainSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, IdentityExplainSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var identity = IdentityContext.Load(settings.ProjectDir, settings.Lake);
            await using var lake = Sessions.WithSqlFunctions();
            var map = await identity.PersonMapAsync(lake, cancellationToken);
            var explainer = new IdentityExplainer(lake.Engine, map, "silver." + IdentityTables.EdgeDecisions, identity.DefaultPhoneRegion);
            var explanation = await explainer.ExplainAsync(settings.Identifier, settings.Other, cancellationToken);
            Print(PrinterFor(settings), explanation);
            return ExitCodes.Success;
        }
        catch (IdentityException e)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private void Print(Printer printer, Explanation x)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["identifier"] = x.Identifier.ToString(),
                ["person_id"] = x.PersonId,
                ["identifiers"] = new JsonArray(x.Identifiers.Select(i => (JsonNode)new JsonObject
                {
                    ["type"] = i.Identifier.Type, ["value"] = i.Identifier.Value, ["origin_person_id"] = i.OriginPersonId,
                }).ToArray()),
                ["other"] = x.Other?.ToString(),
                ["other_person_id"] = x.OtherPersonId,
                ["same_person"] = x.Other is null ? null : x.OtherPersonId == x.PersonId,
                ["path"] = Edges(x.Path),
                ["refused_between"] = Edges(x.RefusedBetween),
            });
            return;
        }
        Console.MarkupLine(Markup.Escape($"{x.Identifier} belongs to person {x.PersonId} ({x.Identifiers.Count} identifiers)"));
        printer.Rows(["type", "value", "origin person"], x.Identifiers.Select(i => (IReadOnlyList<object?>)[i.Identifier.Type, i.Identifier.Value, i.OriginPersonId]));
        if (x.Other is null) return;
        if (x.OtherPersonId == x.PersonId)
        {
            Console.MarkupLine(Markup.Escape($"{x.Identifier} and {x.Other} are the same person, linked by {x.Path.Count} edge(s):"));
            printer.Rows(["from", "to", "rule", "source", "record", "records"], x.Path.Select(e => (IReadOnlyList<object?>)[e.From.ToString(), e.To.ToString(), e.Rule, e.Source, e.RecordId, e.Support]));
        }
        else
        {
            Console.MarkupLine(Markup.Escape($"{x.Other} belongs to another person, {x.OtherPersonId}. " +
                (x.RefusedBetween.Count == 0 ? "No record links them." : $"{x.RefusedBetween.Count} link(s) between them were refused:")));
            if (x.RefusedBetween.Count > 0)
                printer.Rows(["from", "to", "decision", "reason", "rule", "source", "record"], x.RefusedBetween.Select(e => (IReadOnlyList<object?>)[e.From.ToString(), e.To.ToString(), e.Decision, e.Reason, e.Rule, e.Source, e.RecordId]));
        }
    }

    private static JsonArray Edges(IReadOnlyList<ExplainedEdge> edges) => new(edges.Select(e => (JsonNode)new JsonObject
    {
        ["from"] = e.From.ToString(), ["to"] = e.To.ToString(), ["decision"] = e.Decision, ["reason"] = e.Reason,
        ["rule"] = e.Rule, ["source"] = e.Source, ["record_id"] = e.RecordId, ["support"] = e.Support,
    }).ToArray());
}
