using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Audiences;
using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Cli.Output;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public class AudiencesSettings : CdpSettings
{
    [CommandOption("--project-dir <DIR>")]
    [Description("The folder holding cdp.yml, whose audiences: section defines the audiences (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake whose gold tables the audiences read and write (default: the default target's lake, then the project's, then <project-dir>/lake).")]
    public string? Lake { get; init; }
}

public sealed class AudiencesShowSettings : AudiencesSettings
{
    [CommandArgument(0, "<name>")]
    [Description("The audience's name in cdp.yml.")]
    public string Name { get; init; } = "";
}

/// <summary>The project's audience definitions and the lake they are built in, as every audiences command needs them.</summary>
internal sealed record AudienceContext(AudienceSet Set, string LakeUri)
{
    public static AudienceContext Load(string projectDir, string? lake)
    {
        var (project, lakeUri) = ProjectFile.LoadWithLake(projectDir, lake);
        var set = AudienceConfig.Read(project.Sections.GetValueOrDefault("audiences") as IReadOnlyDictionary<string, object?>);
        return new AudienceContext(set, lakeUri);
    }

    public Cdp.Delta.DeltaTable Gold(LakeSession lake, string name) => lake.OpenTable(LakeUri.TrimEnd('/') + "/gold/" + name);

    /// <summary>Registers the lake's tables; the profiles must have been built.</summary>
    public async Task<IReadOnlyList<LakeTable>> RegisterAsync(LakeSession lake, CancellationToken ct)
    {
        var tables = await lake.RegisterLakeAsync(LakeUri, ct);
        // customer_profiles is a view over these two tables (the lake stores it and registers it with them).
        foreach (var table in new[] { "golden_profiles", "customer_traits" })
        {
            if (!tables.Any(t => t.Schema == "gold" && t.Name == table))
                throw new AudienceException($"no table gold/{table} in the lake {LakeUri}; build the profile models first: cdp models build -s path:models/profiles");
        }
        return tables;
    }

    /// <summary>Builds every audience and publishes gold.audience_members and gold.audience_summary.</summary>
    public async Task<AudienceBuild> BuildAsync(LakeSession lake, CancellationToken ct)
    {
        await RegisterAsync(lake, ct);
        return await new AudienceBuilder(lake.Engine, name => Gold(lake, name)).BuildAsync(Set, AudienceRelations.Gold, null, ct);
    }
}

/// <summary>Shared by the audiences commands: the errors that are the user's to fix, printed as they are.</summary>
public abstract class AudiencesCommand<TSettings>(IAnsiConsole console) : CdpCommand<TSettings>(console) where TSettings : AudiencesSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var audiences = AudienceContext.Load(settings.ProjectDir, settings.Lake);
            await using var lake = new LakeSession();
            return await RunAsync(lake, audiences, settings, PrinterFor(settings), cancellationToken);
        }
        catch (AudienceException e)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    internal abstract Task<int> RunAsync(LakeSession lake, AudienceContext audiences, TSettings settings, Printer printer, CancellationToken ct);

    internal static IReadOnlyList<string> SummaryColumns => ["audience", "priority", "members", "holdouts", "email", "sms", "ads", "arbitrated off"];

    internal static IReadOnlyList<object?> SummaryRow(AudienceSummary s)
        => [s.Audience, s.Priority, s.Members, s.Holdouts, s.ContactableEmail, s.ContactableSms, s.ContactableAds, Arbitrated(s)];

    /// <summary>Members an arbitration rule kept off a channel, per channel ("ads 12"), or "-" when none.</summary>
    internal static string Arbitrated(AudienceSummary s)
    {
        var parts = new[] { ("email", s.ArbitratedEmail), ("sms", s.ArbitratedSms), ("ads", s.ArbitratedAds) }
            .Where(p => p.Item2 > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1} {p.Item2:N0}")).ToList();
        return parts.Count == 0 ? "-" : string.Join(", ", parts);
    }

    internal static JsonObject SummaryJson(AudienceSummary s) => new()
    {
        ["audience"] = s.Audience, ["priority"] = s.Priority, ["members"] = s.Members, ["holdouts"] = s.Holdouts,
        ["contactable_email"] = s.ContactableEmail, ["contactable_sms"] = s.ContactableSms, ["contactable_ads"] = s.ContactableAds,
        ["arbitrated_email"] = s.ArbitratedEmail, ["arbitrated_sms"] = s.ArbitratedSms, ["arbitrated_ads"] = s.ArbitratedAds,
        ["definition_hash"] = s.DefinitionHash,
    };
}

/// <summary><c>cdp audiences build</c>: every audience of cdp.yml into gold.audience_members, with consent per channel and holdouts.</summary>
public sealed class AudiencesBuildCommand(IAnsiConsole console) : AudiencesCommand<AudiencesSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession lake, AudienceContext audiences, AudiencesSettings settings, Printer printer, CancellationToken ct)
    {
        var build = await WithStatusAsync(settings, "Building the audiences...", () => audiences.BuildAsync(lake, ct));
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["members_version"] = build.MembersVersion,
                ["summary_version"] = build.SummaryVersion,
                ["as_of"] = build.AsOf.ToString("O", CultureInfo.InvariantCulture),
                ["audiences"] = new JsonArray(build.Audiences.Select(a => (JsonNode)SummaryJson(a)).ToArray()),
            });
            return ExitCodes.Success;
        }
        printer.Rows(SummaryColumns, build.Audiences.Select(SummaryRow));
        Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Built {build.Audiences.Count} audiences into gold.{AudienceBuilder.MembersTable} version {build.MembersVersion}; holdout members are never contactable.")));
        return ExitCodes.Success;
    }
}

/// <summary><c>cdp audiences ls</c>: the defined audiences with the counts of their latest build.</summary>
public sealed class AudiencesListCommand(IAnsiConsole console) : AudiencesCommand<AudiencesSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession lake, AudienceContext audiences, AudiencesSettings settings, Printer printer, CancellationToken ct)
    {
        var latest = await LatestAsync(lake, audiences, ct);
        var rows = audiences.Set.Audiences.Select(a => (Definition: a, Summary: latest.GetValueOrDefault(a.Name))).ToList();
        if (printer.IsJson)
        {
            printer.Json(new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["audience"] = r.Definition.Name, ["description"] = r.Definition.Description,
                ["channels"] = new JsonArray(r.Definition.Channels.Select(c => (JsonNode?)c.ToString().ToLowerInvariant()).ToArray()),
                ["priority"] = r.Definition.Priority, ["members"] = r.Summary?.Members, ["contactable_email"] = r.Summary?.ContactableEmail,
            }).ToArray()));
            return ExitCodes.Success;
        }
        printer.Rows(["audience", "channels", "priority", "members", "description"], rows.Select(r => (IReadOnlyList<object?>)
        [
            r.Definition.Name, string.Join(", ", r.Definition.Channels.Select(c => c.ToString().ToLowerInvariant())), r.Definition.Priority,
            r.Summary?.Members, r.Definition.Description,
        ]));
        return ExitCodes.Success;
    }

    /// <summary>The latest build's counts per audience (none before the first build).</summary>
    internal static async Task<IReadOnlyDictionary<string, AudienceSummary>> LatestAsync(LakeSession lake, AudienceContext audiences, CancellationToken ct)
    {
        var tables = await audiences.RegisterAsync(lake, ct);
        if (!tables.Any(t => t.Schema == "gold" && t.Name == AudienceBuilder.SummaryTable)) return new Dictionary<string, AudienceSummary>();
        // A summary written before arbitration existed has no arbitrated_* columns: they read as 0.
        var columns = (await lake.Engine.DescribeAsync($"SELECT * FROM gold.{AudienceBuilder.SummaryTable}", ct)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        string Arbitrated(string column) => columns.Contains(column) ? column : "0";
        var rows = await lake.Engine.QueryAsync($"""
            SELECT audience, definition_hash, priority, members, holdouts, contactable_email, contactable_sms, contactable_ads,
                   {Arbitrated("arbitrated_email")}, {Arbitrated("arbitrated_sms")}, {Arbitrated("arbitrated_ads")}
            FROM gold.{AudienceBuilder.SummaryTable}
            WHERE members_version = (SELECT max(members_version) FROM gold.{AudienceBuilder.SummaryTable})
            """, ct);
        static long N(object? v) => Convert.ToInt64(v, CultureInfo.InvariantCulture);
        return rows.Rows.ToDictionary(r => (string)r[0]!,
            r => new AudienceSummary((string)r[0]!, (string)r[1]!, Convert.ToInt32(r[2], CultureInfo.InvariantCulture), N(r[3]), N(r[4]), N(r[5]), N(r[6]), N(r[7]),
                N(r[8]), N(r[9]), N(r[10])),
            StringComparer.Ordinal);
    }
}

/// <summary><c>cdp audiences show</c>: one audience's definition, its compiled SQL and the counts of its latest build.</summary>
public sealed class AudiencesShowCommand(IAnsiConsole console) : AudiencesCommand<AudiencesShowSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession lake, AudienceContext audiences, AudiencesShowSettings settings, Printer printer, CancellationToken ct)
    {
        var definition = audiences.Set.Find(settings.Name)
            ?? throw new AudienceException($"no audience '{settings.Name}' in cdp.yml; the audiences are: {string.Join(", ", audiences.Set.Audiences.Select(a => a.Name))}");
        var latest = (await AudiencesListCommand.LatestAsync(lake, audiences, ct)).GetValueOrDefault(definition.Name);
        var (compilation, _, _) = await new AudienceBuilder(lake.Engine, name => audiences.Gold(lake, name)).CompileAsync(audiences.Set, AudienceRelations.Gold, null, ct);
        var compiled = compilation.Audiences.FirstOrDefault(a => a.Name == definition.Name);
        var fields = new List<(string, object?)>
        {
            ("audience", definition.Name),
            ("description", definition.Description),
            ("channels", string.Join(", ", definition.Channels.Select(c => c.ToString().ToLowerInvariant()))),
            ("priority", definition.Priority),
            ("holdout_percent", definition.Holdout.Percent),
            ("fields", string.Join(", ", definition.Fields)),
            ("status", compiled is not null ? "compiles" : compilation.Skipped.Contains(definition.Name) ? "skipped: a required column is missing" : "does not compile"),
            ("predicate", compiled?.Predicate),
            ("members", latest?.Members),
            ("holdouts", latest?.Holdouts),
            ("contactable_email", latest?.ContactableEmail),
            ("contactable_sms", latest?.ContactableSms),
            ("contactable_ads", latest?.ContactableAds),
            ("arbitrated_off", latest is null ? null : Arbitrated(latest)),
        };
        printer.Summary($"audience {definition.Name}", fields);
        foreach (var error in compilation.Errors.Where(e => e.Contains(definition.Name, StringComparison.Ordinal)))
            await CdpApp.CurrentError.WriteLineAsync($"error: {error}");
        return ExitCodes.Success;
    }
}

/// <summary><c>cdp audiences overlap</c>: how many people every pair of audiences shares, with their summed customer value.</summary>
public sealed class AudiencesOverlapCommand(IAnsiConsole console) : AudiencesCommand<AudiencesSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession lake, AudienceContext audiences, AudiencesSettings settings, Printer printer, CancellationToken ct)
    {
        var tables = await audiences.RegisterAsync(lake, ct);
        var members = await AudienceMembership.RelationAsync(lake.Engine, audiences.Gold(lake, AudienceBuilder.MembersTable), null, ct);
        var scores = tables.Any(t => t.Schema == "gold" && t.Name == "customer_scores") ? "gold.customer_scores" : null;
        var cells = await AudienceOverlap.ComputeAsync(lake.Engine, members, scores, ct);
        if (printer.IsJson)
        {
            printer.Json(new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["audience"] = c.Audience, ["other"] = c.Other, ["members"] = c.Members, ["value"] = c.Value is { } v ? Math.Round(v, 2) : null,
            }).ToArray()));
            return ExitCodes.Success;
        }
        printer.Rows(["audience", "other", "members", "summed value"],
            cells.Select(c => (IReadOnlyList<object?>)[c.Audience, c.Other, c.Members, c.Value is { } v ? Math.Round(v, 2) : null]));
        return ExitCodes.Success;
    }
}
