using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Delta;
using Cdp.Lake;
using Cdp.Ml.Btyd;
using Cdp.Ml.Features;
using Cdp.Ml.Jobs;
using Cdp.Ml.Registry;
using Cdp.Ml.Segmentation;
using Cdp.Ml.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public class MlSettings : CdpSettings
{
    [CommandOption("--project-dir <DIR>")]
    [Description("The folder holding cdp.yml, which names the lake (default: current folder).")]
    [DefaultValue(".")]
    public string ProjectDir { get; init; } = ".";

    [CommandOption("--lake <URI>")]
    [Description("The lake whose gold tables the models read and write (default: the default target's lake, then the project's, then <project-dir>/lake).")]
    public string? Lake { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("The seed of the sweep: same data and seed give the same model and metrics (default 42).")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;

    [CommandOption("--trials <N>")]
    [Description("How many configurations the sweep tries, over LightGBM, FastTree and a linear baseline (default 8).")]
    [DefaultValue(8)]
    public int Trials { get; init; } = 8;

    [CommandOption("--time-budget <SECONDS>")]
    [Description("Stops a sweep early after this many seconds per model (default 300); the first configuration always runs.")]
    [DefaultValue(300)]
    public int TimeBudget { get; init; } = 300;

    [CommandOption("--cutoffs <N>")]
    [Description("How many cutoffs, one horizon apart, a training set stacks (default 3).")]
    [DefaultValue(3)]
    public int Cutoffs { get; init; } = 3;

    internal ClassifierTrainingOptions TrainingOptions() => new()
    {
        Cutoffs = Cutoffs,
        Sweep = new SweepOptions { Seed = Seed, MaxTrials = Trials, TimeBudget = TimeSpan.FromSeconds(TimeBudget) },
    };
}

public sealed class MlTrainSettings : MlSettings
{
    [CommandArgument(0, "<model>")]
    [Description("churn (no purchase in the horizon), repurchase (buys again in it), repurchase:<category>, or value (BG/NBD x Gamma-Gamma).")]
    public string Model { get; init; } = "";

    [CommandOption("--horizon <DAYS>")]
    [Description("The label's horizon in days (default: 90 for churn, 30 for repurchase, 365 for value).")]
    public int? Horizon { get; init; }

    [CommandOption("--run-id <ID>")]
    [Description("An id for this training run, such as the scheduler's run id: a retry with the same id registers no second version (default: a new id).")]
    public string? RunId { get; init; }

    public override ValidationResult Validate()
        => RunId is { } id && (string.IsNullOrWhiteSpace(id) || id.Length > 200)
            ? ValidationResult.Error("--run-id must be 1 to 200 characters")
            : base.Validate();
}

/// <summary>The lake's gold tables as the ML jobs read them, their Delta versions, and the model registry.</summary>
internal sealed class MlLake
{
    private static readonly string[] Required = ["person_purchases", "person_purchase_lines", "person_activity"];

    private readonly LakeSession _lake;
    private readonly IReadOnlyList<LakeTable> _tables;

    private MlLake(LakeSession lake, string lakeUri, IReadOnlyList<LakeTable> tables)
    {
        _lake = lake;
        LakeUri = lakeUri;
        _tables = tables;
        var hasConsents = tables.Any(t => t.Schema == "gold" && t.Name == "person_consents");
        Sources = FeatureSources.Gold(hasConsents);
        Registry = new ModelRegistry(lake.Engine, Gold);
    }

    public string LakeUri { get; }

    public FeatureSources Sources { get; }

    public ModelRegistry Registry { get; }

    /// <summary>Resolves the lake as the other commands do and registers its tables; the profile tables must be built.</summary>
    public static Task<MlLake> OpenAsync(LakeSession lake, string projectDir, string? lakeArgument, CancellationToken ct)
    {
        return OpenAsync(lake, ProjectFile.LoadWithLake(projectDir, lakeArgument).LakeUri, ct);
    }

    /// <summary>Registers the tables of the lake at <paramref name="lakeUri"/>; the profile tables must be built.</summary>
    public static async Task<MlLake> OpenAsync(LakeSession lake, string lakeUri, CancellationToken ct)
    {
        var tables = await lake.RegisterLakeAsync(lakeUri, ct);
        var missing = Required.Where(name => !tables.Any(t => t.Schema == "gold" && t.Name == name)).ToList();
        if (missing.Count > 0)
            throw new MlCommandException($"no table gold/{missing[0]} in the lake {lakeUri}; build the profile models first: cdp models build -s path:models/profiles");
        return new MlLake(lake, lakeUri, tables);
    }

    public DeltaTable Gold(string name) => _lake.OpenTable(LakeUri.TrimEnd('/') + "/gold/" + name);

    /// <summary>The ML jobs over this lake, recording the tables' current versions with every model.</summary>
    /// <param name="runId">The id the models are registered under (see <see cref="MlPipeline.RunId"/>).</param>
    public MlPipeline Pipeline(string? runId = null) => new(_lake.Engine, Sources, Registry, Gold, InputVersions()) { RunId = runId };

    /// <summary>The Delta version of every relation the features read, as of now.</summary>
    public IReadOnlyDictionary<string, long> InputVersions()
        => Sources.Relations().ToDictionary(r => r, r => _tables.Single(t => t.Schema + "." + t.Name == r).Version, StringComparer.Ordinal);
}

/// <summary>A user-facing failure of an ML command: printed as is.</summary>
internal sealed class MlCommandException(string message) : Exception(message);

/// <summary>Shared by the ML commands: progress lines while a person watches, and the errors that are the user's to fix.</summary>
public abstract class MlCommand<TSettings>(IAnsiConsole console) : CdpCommand<TSettings>(console) where TSettings : MlSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = new LakeSession();
            var lake = await MlLake.OpenAsync(session, settings.ProjectDir, settings.Lake, cancellationToken);
            var printer = PrinterFor(settings);
            var progress = new SynchronousProgress<string>(line =>
            {
                if (!printer.IsJson) Console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            });
            return await RunAsync(session, lake, settings, printer, progress, cancellationToken);
        }
        catch (Exception e) when (e is MlCommandException or InsufficientHistoryException or TooFewExamplesException or InsufficientDataException
                                       or ModelRegistryException or ModelFormatException or InvalidDataException)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    internal abstract Task<int> RunAsync(LakeSession session, MlLake lake, TSettings settings, Printer printer, IProgress<string> progress, CancellationToken ct);
}

/// <summary><c>cdp ml train churn|repurchase|repurchase:&lt;category&gt;|value</c>: trains on the lake and registers the model.</summary>
public sealed class MlTrainCommand(IAnsiConsole console) : MlCommand<MlTrainSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession session, MlLake lake, MlTrainSettings settings, Printer printer, IProgress<string> progress, CancellationToken ct)
    {
        var isValue = string.Equals(settings.Model, "value", StringComparison.OrdinalIgnoreCase);
        var modelName = isValue ? MlPipeline.ValueModelName : Target(settings).ModelName;
        // A retry of a run that registered this model already: nothing to train.
        if (settings.RunId is { } runId && await lake.Registry.FindRunAsync(modelName, runId, ct) is { } earlier)
        {
            progress.Report($"{modelName}: version {earlier.Version} was registered by run {runId} already; nothing trained or written");
            printer.Summary(Registered(earlier, before: true), MlOutput.Fields(earlier));
            return ExitCodes.Success;
        }
        if (isValue)
        {
            var value = await lake.Pipeline(settings.RunId).TrainValueAsync(settings.Horizon, progress, ct);
            printer.Summary(Registered(value.Registered, value.AlreadyRegistered), MlOutput.Fields(value));
        }
        else
        {
            var classifier = await lake.Pipeline(settings.RunId).TrainClassifierAsync(Target(settings), settings.TrainingOptions(), progress, ct);
            printer.Summary(Registered(classifier.Registered, classifier.AlreadyRegistered), MlOutput.Fields(classifier));
        }
        return ExitCodes.Success;
    }

    private static string Registered(RegisteredModel model, bool before) => before
        ? $"model {model.ModelName} version {model.Version} was already registered by run {model.Description.RunId}; nothing written"
        : $"model {model.ModelName} version {model.Version} registered";

    private static PredictionTarget Target(MlTrainSettings settings)
    {
        try
        {
            return PredictionTarget.Parse(settings.Model, settings.Horizon);
        }
        catch (ArgumentException e)
        {
            throw new MlCommandException(e.Message.Replace(" (Parameter 'text')", "", StringComparison.Ordinal) + " Or value, for customer value.");
        }
    }
}

/// <summary><c>cdp ml score</c>: scores every consenting customer with the latest registered models into gold.customer_scores.</summary>
public sealed class MlScoreCommand(IAnsiConsole console) : MlCommand<MlSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession session, MlLake lake, MlSettings settings, Printer printer, IProgress<string> progress, CancellationToken ct)
    {
        var scored = await lake.Pipeline().ScoreAsync(new SegmentationOptions { Seed = settings.Seed }, progress, ct);
        if (printer.IsJson)
        {
            var json = MlOutput.Json(MlOutput.Fields(scored));
            json["segment_list"] = new JsonArray(scored.Segmentation.Segments.Select(s => (JsonNode)new JsonObject
            {
                ["segment"] = s.Number, ["name"] = s.Name, ["description"] = s.Description, ["customers"] = s.Size, ["share"] = Math.Round(s.Share, 4),
            }).ToArray());
            printer.Json(json);
        }
        else
        {
            printer.Summary($"scored {scored.Scores.Rows:N0} customers into gold.{CustomerScoring.ScoresTable}", MlOutput.Fields(scored));
            printer.Rows(["segment", "name", "customers", "share", "description"], scored.Segmentation.Segments.Select(s => (IReadOnlyList<object?>)
                [s.Number, s.Name, s.Size, Math.Round(s.Share, 3), s.Description]));
        }
        return ExitCodes.Success;
    }
}

/// <summary><c>cdp ml evaluate</c>: trains on older cutoffs, judges on a holdout, and compares with the BG/NBD baseline.</summary>
public sealed class MlEvaluateCommand(IAnsiConsole console) : MlCommand<MlSettings>(console)
{
    internal override async Task<int> RunAsync(LakeSession session, MlLake lake, MlSettings settings, Printer printer, IProgress<string> progress, CancellationToken ct)
    {
        var evaluations = await lake.Pipeline().EvaluateAsync(settings.TrainingOptions(), progress, ct);
        if (printer.IsJson)
        {
            printer.Json(new JsonArray(evaluations.Select(e => (JsonNode)MlOutput.Json(MlOutput.Fields(e))).ToArray()));
        }
        else
        {
            printer.Rows(["model", "holdout", "people", "positive", "AUC", "PR-AUC", "Brier", "lift@10%", "BG/NBD AUC", "beats"],
                evaluations.Select(e => (IReadOnlyList<object?>)
                [
                    e.Target.ModelName, e.HoldoutCutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Rows, e.Positives,
                    Math.Round(e.Metrics.Auc, 4), Math.Round(e.Metrics.PrAuc, 4), Math.Round(e.Metrics.Brier, 4), Math.Round(e.Metrics.TopDecileLift, 2),
                    Math.Round(e.BaselineAuc, 4), e.Metrics.Auc > e.BaselineAuc ? "yes" : "no",
                ]));
        }
        return ExitCodes.Success;
    }
}

/// <summary>The fields the ML commands print (a table for people, one JSON object for machines).</summary>
internal static class MlOutput
{
    public static IEnumerable<(string Field, object? Value)> Fields(ClassifierRun run)
    {
        var r = run.Registered;
        var m = run.Trained.Sweep.Metrics;
        yield return ("model", r.ModelName);
        yield return ("version", r.Version);
        yield return ("run_id", r.Description.RunId);
        yield return ("already_registered", run.AlreadyRegistered);
        yield return ("algorithm", r.Description.Algorithm);
        yield return ("training_cutoffs", string.Join(", ", r.Description.TrainingCutoffs.Select(Day)));
        yield return ("horizon_days", r.Description.HorizonDays);
        yield return ("rows", r.Description.Rows);
        yield return ("positives", r.Description.Positives);
        yield return ("trials", run.Trained.Sweep.Trials.Count);
        yield return ("cv_auc", Math.Round(m.Auc, 4));
        yield return ("cv_pr_auc", Math.Round(m.PrAuc, 4));
        yield return ("cv_log_loss", Math.Round(m.LogLoss, 4));
        yield return ("cv_brier", Math.Round(m.Brier, 4));
        yield return ("cv_top_decile_lift", Math.Round(m.TopDecileLift, 2));
        yield return ("top_features", string.Join(", ", run.Trained.Sweep.Importance.Take(5).Select(f => f.Column)));
        yield return ("input_versions", string.Join(", ", r.Description.InputVersions.Select(kv => $"{kv.Key}@{kv.Value}")));
    }

    /// <summary>A registered version as the registry describes it (a retried run's, which was not trained again).</summary>
    public static IEnumerable<(string Field, object? Value)> Fields(RegisteredModel r)
    {
        yield return ("model", r.ModelName);
        yield return ("version", r.Version);
        yield return ("run_id", r.Description.RunId);
        yield return ("already_registered", true);
        yield return ("algorithm", r.Description.Algorithm);
        yield return ("trained_at", r.TrainedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        yield return ("training_cutoffs", string.Join(", ", r.Description.TrainingCutoffs.Select(Day)));
        yield return ("horizon_days", r.Description.HorizonDays);
        yield return ("rows", r.Description.Rows);
        foreach (var (name, value) in r.Description.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Take(8))
            yield return (name, Math.Round(value, 4));
        yield return ("input_versions", string.Join(", ", r.Description.InputVersions.Select(kv => $"{kv.Key}@{kv.Value}")));
    }

    public static IEnumerable<(string Field, object? Value)> Fields(ValueRun run)
    {
        var m = run.Model;
        yield return ("model", run.Registered.ModelName);
        yield return ("version", run.Registered.Version);
        yield return ("run_id", run.Registered.Description.RunId);
        yield return ("already_registered", run.AlreadyRegistered);
        yield return ("algorithm", run.Registered.Description.Algorithm);
        yield return ("customers", m.Customers);
        yield return ("repeat_buyers", m.RepeatBuyers);
        yield return ("horizon_days", m.HorizonDays);
        yield return ("bgnbd", string.Create(CultureInfo.InvariantCulture, $"r={m.Purchases.R:0.####} alpha={m.Purchases.Alpha:0.####} a={m.Purchases.A:0.####} b={m.Purchases.B:0.####}"));
        yield return ("gamma_gamma", string.Create(CultureInfo.InvariantCulture, $"p={m.Spend.P:0.####} q={m.Spend.Q:0.####} gamma={m.Spend.Gamma:0.####}"));
        yield return ("input_versions", string.Join(", ", run.Registered.Description.InputVersions.Select(kv => $"{kv.Key}@{kv.Value}")));
    }

    public static IEnumerable<(string Field, object? Value)> Fields(ScoringRun run)
    {
        var s = run.Scores;
        yield return ("customers", s.Rows);
        yield return ("data_as_of", Day(s.Cutoff.AddDays(-1)));
        yield return ("churn_model_version", run.Models.Churn.Version);
        yield return ("repurchase_model_version", run.Models.Repurchase.Version);
        yield return ("value_model_version", run.Models.ValueVersion);
        yield return ("mean_churn_probability", s.Rows == 0 ? null : Math.Round(s.ChurnProbability.Average(), 4));
        yield return ("mean_repurchase_probability", s.Rows == 0 ? null : Math.Round(s.RepurchaseProbability.Average(), 4));
        yield return ("expected_value_total", Math.Round(s.Value.Sum(v => v.Value), 2));
        yield return ("scores_table_version", run.ScoresVersion);
        yield return ("segments", run.Segmentation.Segments.Count);
        yield return ("segments_table_version", run.SegmentsVersion);
        yield return ("category_models", run.CategoryScores.Count == 0
            ? "none (train one with: cdp ml train repurchase:<category>)"
            : string.Join(", ", run.CategoryScores.Select(c => $"{c.Category} v{c.ModelVersion.ToString(CultureInfo.InvariantCulture)}")));
    }

    public static IEnumerable<(string Field, object? Value)> Fields(HoldoutEvaluation e)
    {
        yield return ("model", e.Target.ModelName);
        yield return ("holdout_cutoff", Day(e.HoldoutCutoff));
        yield return ("horizon_days", e.Target.HorizonDays);
        yield return ("training_cutoffs", string.Join(", ", e.TrainingCutoffs.Select(Day)));
        yield return ("training_rows", e.TrainingRows);
        yield return ("algorithm", e.Algorithm);
        yield return ("cv_auc", Math.Round(e.CrossValidatedAuc, 4));
        yield return ("holdout_rows", e.Rows);
        yield return ("holdout_positives", e.Positives);
        yield return ("auc", Math.Round(e.Metrics.Auc, 4));
        yield return ("pr_auc", Math.Round(e.Metrics.PrAuc, 4));
        yield return ("log_loss", Math.Round(e.Metrics.LogLoss, 4));
        yield return ("brier", Math.Round(e.Metrics.Brier, 4));
        yield return ("top_decile_lift", Math.Round(e.Metrics.TopDecileLift, 2));
        yield return ("baseline", HoldoutEvaluation.BaselineName);
        yield return ("baseline_auc", Math.Round(e.BaselineAuc, 4));
        yield return ("beats_baseline", e.Metrics.Auc > e.BaselineAuc);
    }

    public static JsonObject Json(IEnumerable<(string Field, object? Value)> fields)
        => new(fields.Select(f => KeyValuePair.Create(f.Field, f.Value as JsonNode ?? ValueText.Json(f.Value))));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
