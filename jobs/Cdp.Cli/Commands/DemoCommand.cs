using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Delta.Stats;
using Cdp.DemoBrand;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Lake;
using Cdp.Modeling;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

/// <summary>Options of <c>cdp demo</c>.</summary>
public sealed class DemoSettings : CdpSettings
{
    [CommandOption("--project-dir <DIR>")]
    [Description("The project whose cdp.yml declares the demo's sources and models (default: current folder, the repository root).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake to land and build in (default: the project's lake, ./lake).")]
    public string? Lake { get; init; }

    [CommandOption("--people <N>")]
    [Description("How many people the demo brand has, when its data is generated (default 5000).")]
    [DefaultValue(5000)]
    public int People { get; init; } = 5000;

    [CommandOption("--seed <S>")]
    [Description("The generator's seed (default 42).")]
    [DefaultValue(GenerationOptions.DefaultSeed)]
    public ulong Seed { get; init; } = GenerationOptions.DefaultSeed;

    public override ValidationResult Validate()
        => People is < 1 or > 10_000_000 ? ValidationResult.Error("--people must be between 1 and 10000000.") : base.Validate();
}

/// <summary>
/// <c>cdp demo</c>: the pipeline end to end on the embedded default: generates the demo brand's silos into
/// <c>demo-data/</c> when absent, lands them in bronze (<c>cdp ingest</c>), builds the staging models and the identity
/// edges, resolves identities (<c>cdp identity run</c>), builds the models downstream (profiles, traits), and prints
/// what each zone holds with the quality figures (identity precision and recall against the ground truth).
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : CdpCommand<DemoSettings>(console)
{
    public const string DataFolder = "demo-data";

    private sealed record Step(string Name, string Result, double Seconds);

    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        var printer = PrinterFor(settings);
        var steps = new List<Step>();
        void Done(Step step)
        {
            steps.Add(step);
            if (!printer.IsJson) Console.MarkupLine($"[green]✓[/] {Markup.Escape(step.Name)}: {Markup.Escape(step.Result)} [grey]({step.Seconds:0.##} s)[/]");
        }

        var (project, lakeUri) = ProjectFile.LoadWithLake(Path.GetFullPath(settings.ProjectDir), settings.Lake);

        // 1. The brand's silos, generated once for these options.
        var clock = Stopwatch.StartNew();
        var data = Path.Combine(project.RootDirectory, DataFolder);
        if (IsGenerated(data, settings.People, settings.Seed))
        {
            Done(new Step("generate the brand", $"kept {DataFolder}/ ({settings.People} people, seed {settings.Seed})", clock.Elapsed.TotalSeconds));
        }
        else
        {
            var generated = await WithStatusAsync(settings, "Generating the demo brand...",
                () => Task.Run(() => DemoBrandGenerator.Generate(new GenerationOptions(data, settings.People, settings.Seed), null, cancellationToken), cancellationToken));
            Done(new Step("generate the brand", $"{generated.People} people, {generated.Files} files, {generated.Rows:N0} rows in {DataFolder}/", clock.Elapsed.TotalSeconds));
        }

        await using var lake = Sessions.WithSqlFunctions();

        // 2. Bronze: every source of the project's ingest section, each file exactly once.
        clock.Restart();
        if (project.Sections.GetValueOrDefault("ingest") is not IReadOnlyDictionary<string, object?> section)
            throw new ModelingException($"{project.ProjectFile} has no ingest section: the demo needs the repository's cdp.yml (run it from the repository root).");
        var sources = IngestConfig.Read(section, project.RootDirectory);
        var ingest = await WithStatusAsync(settings, "Landing the silos in bronze...", () => new IngestRunner(lake, lakeUri).RunAsync(sources.Sources, null, cancellationToken));
        var landed = ingest.Sources.Sum(s => s.RowsLanded);
        var quarantined = ingest.Sources.Sum(s => s.RowsQuarantined);
        Done(new Step("ingest the silos", $"{ingest.Sources.Count} sources, {ingest.Sources.Sum(s => s.FilesNew)} new files " +
            $"({ingest.Sources.Sum(s => s.FilesSkipped)} already landed), {landed:N0} rows landed, {quarantined:N0} quarantined", clock.Elapsed.TotalSeconds));
        foreach (var failed in ingest.Sources.Where(s => !s.Succeeded)) CdpApp.CurrentError.WriteLine($"error: {failed.Error}");

        // 3. Silver: the staging models and the identifier graph's edges, with their tests.
        var request = new ModelingRequest { ProjectDirectory = project.RootDirectory, Lake = lakeUri, Arguments = context.Arguments.ToList() };
        string[] beforeIdentity = ["tag:staging", "tag:identity"];
        clock.Restart();
        var staging = await BuildAsync(settings, lake, request with { Select = beforeIdentity }, "Building the staging models...", cancellationToken);
        Done(new Step("build staging and identity edges", Describe(staging.Summary), clock.Elapsed.TotalSeconds));

        // 4. Identity: one stable person id behind every record.
        clock.Restart();
        var identity = IdentityContext.Load(project.RootDirectory, lakeUri);
        var resolved = await WithStatusAsync(settings, "Resolving identities...", () => identity.ResolveAsync(lake, null, cancellationToken));
        var h = resolved.Run.Health;
        Done(new Step("resolve identities", $"{resolved.Run.Identifiers:N0} identifiers, {resolved.Run.Edges:N0} edges -> {h.Persons:N0} persons " +
            $"({resolved.Run.NewPersons:N0} new, {resolved.Run.KeptPersons:N0} kept, {h.Merges} merges, {h.Splits} splits), " +
            (resolved.Published ? "published" : "NOT published: " + string.Join("; ", resolved.Violations)), clock.Elapsed.TotalSeconds));

        // 5. Gold: everything downstream of identity (profiles, traits, ...).
        clock.Restart();
        var gold = await BuildAsync(settings, lake, request with { Exclude = beforeIdentity }, "Building the profile models...", cancellationToken);
        Done(new Step("build profiles and traits", Describe(gold.Summary), clock.Elapsed.TotalSeconds));

        // 6. ML: churn, repurchase and value models, scores and segments, and a holdout evaluation.
        DemoMl? ml = null;
        if (resolved.Published && gold.Summary.Succeeded)
        {
            ml = await WithStatusAsync(settings, "Training, scoring and evaluating the ML models...", () => DemoMl.RunAsync(lake, lakeUri, Path.Combine(data, "truth"),
                (name, result, seconds) => Done(new Step(name, result, seconds)), cancellationToken));
        }

        // 7. Audiences: every audience of cdp.yml, contactable per channel under the consents, holdouts set aside.
        var audiencesBuilt = false;
        if (resolved.Published && gold.Summary.Succeeded)
        {
            clock.Restart();
            var audiences = AudienceContext.Load(project.RootDirectory, lakeUri);
            var build = await WithStatusAsync(settings, "Building the audiences...", () => audiences.BuildAsync(lake, cancellationToken));
            static string Counts(Cdp.Audiences.Membership.AudienceSummary a)
            {
                var off = AudiencesCommand<AudiencesSettings>.Arbitrated(a);
                var arbitrated = off == "-" ? "" : "; arbitrated off " + off;
                return string.Create(CultureInfo.InvariantCulture,
                    $"{a.Audience} {a.Members:N0} ({a.Holdouts:N0} held out, email {a.ContactableEmail:N0}, sms {a.ContactableSms:N0}, ads {a.ContactableAds:N0}{arbitrated})");
            }
            Done(new Step("build audiences", string.Join(", ", build.Audiences.Select(Counts)), clock.Elapsed.TotalSeconds));
            audiencesBuilt = true;
        }

        // 8. Sync: every destination of cdp.yml against local stand-ins (no real platform is called).
        DemoSync? sync = null;
        if (audiencesBuilt)
        {
            clock.Restart();
            sync = await WithStatusAsync(settings, "Syncing the audiences to local stand-ins...", () => DemoSync.RunAsync(lake, project.RootDirectory, lakeUri, cancellationToken));
            Done(new Step("sync audiences (sandbox)", sync.Describe(), clock.Elapsed.TotalSeconds));
        }

        var zones = await ZonesAsync(lake, lakeUri, cancellationToken);
        var quality = await QualityAsync(lake, quarantined, cancellationToken);
        var truth = Path.Combine(data, "truth", "records.csv");
        if (resolved.Published && File.Exists(truth)) quality = [.. quality, .. await IdentityFiguresAsync(lake, truth, cancellationToken)];
        if (ml is not null) quality = [.. quality, .. ml.Figures()];
        Print(printer, steps, zones, quality, ml, sync, lakeUri);
        return ingest.Succeeded && staging.Summary.Succeeded && resolved.Published && gold.Summary.Succeeded && (sync?.Succeeded ?? true) ? ExitCodes.Success : ExitCodes.Failure;
    }

    private Task<RunOutcome> BuildAsync(DemoSettings settings, LakeSession lake, ModelingRequest request, string status, CancellationToken ct)
        => WithStatusAsync(settings, status, () => new ModelingWorkflow(new JinjaTemplateEngine()).RunAsync(lake, request, RunMode.Build, ct));

    private static string Describe(RunSummary s)
        => $"{s.Count(NodeStatus.Success)} models built, tests: {s.Count(NodeStatus.Pass)} passed, {s.Count(NodeStatus.Warn)} warned, " +
           $"{s.Count(NodeStatus.Fail)} failed; {s.Count(NodeStatus.Error)} errors, {s.Count(NodeStatus.Skipped)} skipped";

    /// <summary>Precision and recall against the ground truth, and reach per channel before and after resolution.</summary>
    private static async Task<IReadOnlyList<(string Figure, string Value)>> IdentityFiguresAsync(LakeSession lake, string truth, CancellationToken ct)
    {
        var score = await DemoIdentityFigures.ScoreAsync(lake.Engine, truth, ct);
        var figures = new List<(string, string)>
        {
            ("identity pairwise precision / recall", string.Create(CultureInfo.InvariantCulture, $"{score.Precision:0.0000} / {score.Recall:0.0000} over {score.Records:N0} identified records")),
            ("identity recall incl. anonymous sessions", score.RecallAllRecords.ToString("0.0000", CultureInfo.InvariantCulture)),
        };
        foreach (var c in await DemoIdentityFigures.ContactabilityAsync(lake.Engine, truth, ct))
            figures.Add(($"recent buyers reachable by {c.Channel}: before / after resolution", $"{c.Before:N0} / {c.After:N0}"));
        return figures;
    }

    private static bool IsGenerated(string folder, int people, ulong seed)
    {
        var manifest = Path.Combine(folder, DemoBrandGenerator.ManifestFile);
        if (!File.Exists(manifest)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            var root = doc.RootElement;
            return root.TryGetProperty("complete", out var complete) && complete.GetBoolean()
                   && root.GetProperty("people").GetInt32() == people && root.GetProperty("seed").GetUInt64() == seed;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Tables and rows per zone (bronze, silver, gold, ...).</summary>
    private static async Task<IReadOnlyList<(string Zone, int Tables, long Rows)>> ZonesAsync(LakeSession lake, string lakeUri, CancellationToken ct)
    {
        var tables = await lake.RegisterLakeAsync(lakeUri, ct);
        var zones = new List<(string, int, long)>();
        foreach (var zone in tables.GroupBy(t => t.Schema).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            long rows = 0;
            foreach (var table in zone)
            {
                var snapshot = await lake.OpenTable(table.Uri).GetSnapshotAsync(null, ct);
                rows += snapshot.Files.Sum(f => FileStatistics.TryParse(f.Stats)?.NumRecords ?? 0);
            }
            zones.Add((zone.Key, zone.Count(), rows));
        }
        return zones;
    }

    /// <summary>Figures on the data's quality, computed over the built tables.</summary>
    private static async Task<IReadOnlyList<(string Figure, string Value)>> QualityAsync(LakeSession lake, long quarantined, CancellationToken ct)
    {
        var figures = new List<(string, string)> { ("rows quarantined at ingestion", quarantined.ToString("N0", CultureInfo.InvariantCulture)) };
        try
        {
            var crm = (await lake.Engine.QueryAsync(
                "SELECT count(*), count(DISTINCT customer_number), count(email), count(*) FILTER (WHERE email_invalid), count(phone), " +
                "count(*) FILTER (WHERE phone_invalid), count(DISTINCT email) FROM silver.stg_crm_customers", ct)).Rows[0];
            string N(object? v) => Convert.ToInt64(v ?? 0L, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture);
            figures.Add(("CRM records / customer numbers", $"{N(crm[0])} / {N(crm[1])}"));
            figures.Add(("CRM emails usable / invalid / distinct", $"{N(crm[2])} / {N(crm[3])} / {N(crm[6])}"));
            figures.Add(("CRM phones in E.164 / unreadable", $"{N(crm[4])} / {N(crm[5])}"));
            var guests = (await lake.Engine.QueryAsync("SELECT count(*) FILTER (WHERE is_guest), count(*) FROM silver.stg_eshop_orders", ct)).Rows[0];
            figures.Add(("guest orders (email only)", $"{N(guests[0])} of {N(guests[1])}"));
        }
        catch (Engine.SqlEngineException e)
        {
            figures.Add(("staging figures", "unavailable: " + e.Message.Split('\n')[0]));
        }
        return figures;
    }

    private void Print(Output.Printer printer, List<Step> steps, IReadOnlyList<(string Zone, int Tables, long Rows)> zones, IReadOnlyList<(string Figure, string Value)> quality,
        DemoMl? ml, DemoSync? sync, string lakeUri)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["lake"] = lakeUri,
                ["steps"] = new JsonArray(steps.Select(s => (JsonNode)new JsonObject { ["step"] = s.Name, ["result"] = s.Result, ["seconds"] = Math.Round(s.Seconds, 3) }).ToArray()),
                ["zones"] = new JsonObject(zones.Select(z => KeyValuePair.Create(z.Zone, (JsonNode?)new JsonObject { ["tables"] = z.Tables, ["rows"] = z.Rows }))),
                ["quality"] = new JsonObject(quality.Select(q => KeyValuePair.Create(q.Figure, (JsonNode?)q.Value))),
                ["ml"] = ml?.Json(),
                ["sync"] = sync?.Json(),
            });
            return;
        }
        printer.Rows(["zone", "tables", "rows"], zones.Select(z => (IReadOnlyList<object?>)[z.Zone, z.Tables, z.Rows]));
        printer.Rows(["quality", "value"], quality.Select(q => (IReadOnlyList<object?>)[q.Figure, q.Value]));
        sync?.Print(printer);
        Console.MarkupLine($"Total {steps.Sum(s => s.Seconds):0.#} s. The lake is [bold]{Markup.Escape(lakeUri)}[/]; try: cdp sql \"SELECT * FROM stg_crm_customers LIMIT 5\"");
    }
}
