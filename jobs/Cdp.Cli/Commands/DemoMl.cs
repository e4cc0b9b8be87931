using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Lake;
using Cdp.Ml.Btyd;
using Cdp.Ml.Features;
using Cdp.Ml.Jobs;
using Cdp.Ml.Segmentation;
using Cdp.Ml.Training;

namespace Cdp.Cli.Commands;

/// <summary>
/// The ML part of <c>cdp demo</c>: trains and registers the churn, repurchase and value models, scores and segments
/// the customers, and judges the classifiers on a holdout (churn also against the ground truth's true churn).
/// </summary>
internal sealed record DemoMl(string? Skipped, HoldoutEvaluation? Churn, HoldoutEvaluation? Repurchase, TrueChurnScore? TrueChurn, ScoringRun? Scoring)
{
    /// <summary>The demo's sweeps: fewer trials than the default, so the whole demo stays a matter of minutes.</summary>
    private static readonly ClassifierTrainingOptions Options = new() { Sweep = new SweepOptions { MaxTrials = 4, TimeBudget = TimeSpan.FromMinutes(2) } };

    public static async Task<DemoMl> RunAsync(LakeSession session, string lakeUri, string truthFolder, Action<string, string, double> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var lake = await MlLake.OpenAsync(session, lakeUri, ct);
            var pipeline = lake.Pipeline();
            var churn = await pipeline.TrainClassifierAsync(PredictionTarget.Churn(), Options, null, ct);
            var repurchase = await pipeline.TrainClassifierAsync(PredictionTarget.Repurchase(), Options, null, ct);
            var value = await pipeline.TrainValueAsync(null, null, ct);
            done("train the ML models", string.Create(CultureInfo.InvariantCulture,
                $"churn v{churn.Registered.Version} (cross-validated AUC {churn.Trained.Sweep.Metrics.Auc:0.0000}), " +
                $"repurchase v{repurchase.Registered.Version} (AUC {repurchase.Trained.Sweep.Metrics.Auc:0.0000}), value v{value.Registered.Version} (BG/NBD x Gamma-Gamma)"),
                clock.Elapsed.TotalSeconds);

            clock.Restart();
            var scoring = await pipeline.ScoreAsync(new SegmentationOptions(), null, ct);
            done("score and segment customers", string.Create(CultureInfo.InvariantCulture,
                $"{scoring.Scores.Rows:N0} customers into gold.customer_scores, {scoring.Segmentation.Segments.Count} segments into gold.customer_segments"),
                clock.Elapsed.TotalSeconds);

            clock.Restart();
            var evaluations = await pipeline.EvaluateAsync(Options, null, ct);
            var (churnHoldout, repurchaseHoldout) = (evaluations[0], evaluations[1]);
            var truth = File.Exists(Path.Combine(truthFolder, "people.csv"))
                ? await DemoMlFigures.TrueChurnAsync(session.Engine, truthFolder, churnHoldout, ct)
                : null;
            done("evaluate on a holdout", string.Create(CultureInfo.InvariantCulture,
                $"churn AUC {churnHoldout.Metrics.Auc:0.0000}, repurchase AUC {repurchaseHoldout.Metrics.Auc:0.0000} vs BG/NBD {repurchaseHoldout.BaselineAuc:0.0000}"),
                clock.Elapsed.TotalSeconds);
            return new DemoMl(null, churnHoldout, repurchaseHoldout, truth, scoring);
        }
        catch (Exception e) when (e is InsufficientHistoryException or TooFewExamplesException or InsufficientDataException)
        {
            // Too small a brand to learn from is a fact about the data, not a failure of the demo.
            done("train the ML models", "skipped: " + e.Message, clock.Elapsed.TotalSeconds);
            return new DemoMl(e.Message, null, null, null, null);
        }
    }

    /// <summary>Rows of the demo's quality table.</summary>
    public IEnumerable<(string Figure, string Value)> Figures()
    {
        if (Churn is null || Repurchase is null) yield break;
        var trueChurn = TrueChurn is null ? "" : string.Create(CultureInfo.InvariantCulture, $" / {TrueChurn.Auc:0.0000} over {TrueChurn.People:N0} people");
        yield return ("churn (90 days) holdout AUC: observed / true churn", string.Create(CultureInfo.InvariantCulture, $"{Churn.Metrics.Auc:0.0000}{trueChurn}"));
        yield return ("repurchase (30 days) holdout AUC: model / BG/NBD", string.Create(CultureInfo.InvariantCulture, $"{Repurchase.Metrics.Auc:0.0000} / {Repurchase.BaselineAuc:0.0000}"));
    }

    /// <summary>The figures for machines.</summary>
    public JsonObject Json() => new()
    {
        ["skipped"] = Skipped,
        ["churn_holdout_auc"] = Churn is null ? null : Math.Round(Churn.Metrics.Auc, 4),
        ["churn_true_auc"] = TrueChurn is null ? null : Math.Round(TrueChurn.Auc, 4),
        ["churn_true_people"] = TrueChurn?.People,
        ["repurchase_holdout_auc"] = Repurchase is null ? null : Math.Round(Repurchase.Metrics.Auc, 4),
        ["repurchase_baseline_auc"] = Repurchase is null ? null : Math.Round(Repurchase.BaselineAuc, 4),
        ["customers_scored"] = Scoring?.Scores.Rows,
        ["segments"] = Scoring?.Segmentation.Segments.Count,
    };
}
