using System.Globalization;
using Cdp.Engine;
using Cdp.Ml.Btyd;
using Cdp.Ml.Features;
using Cdp.Ml.Training;

namespace Cdp.Ml.Jobs;

/// <summary>
/// A model judged on a holdout it never saw: trained on cutoffs whose horizons end by <see cref="HoldoutCutoff"/>,
/// scored as of that cutoff and compared with what happened in the horizon after it. <see cref="BaselineAuc"/> ranks
/// the same people by BG/NBD's expected purchases in the horizon (fewest first for churn).
/// </summary>
public sealed record HoldoutEvaluation(
    PredictionTarget Target,
    DateOnly HoldoutCutoff,
    IReadOnlyList<DateOnly> TrainingCutoffs,
    int TrainingRows,
    string Algorithm,
    double CrossValidatedAuc,
    ModelMetrics Metrics,
    double BaselineAuc,
    IReadOnlyList<long> PersonIds,
    IReadOnlyList<double> Probabilities,
    IReadOnlyList<bool> Labels)
{
    public int Rows => Labels.Count;
    public int Positives => Labels.Count(l => l);
    public const string BaselineName = "BG/NBD";
}

/// <summary>Time-based holdout evaluation of the churn and repurchase models against the BG/NBD baseline.</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// The holdout cutoff is one horizon before the day after the data, so its labels are fully observed; the
    /// training cutoffs step back from it, and the BG/NBD baseline is fitted on the purchases before it.
    /// </summary>
    public static async Task<HoldoutEvaluation> EvaluateAsync(DuckDbEngine engine, FeatureSources sources, PredictionTarget target,
        ClassifierTrainingOptions? options = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var span = await TrainingSets.SpanAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var holdout = span.ScoringCutoff.AddDays(-target.HorizonDays);
        var trained = await ClassifierTraining.TrainAsync(engine, sources, target, holdout, options, progress, cancellationToken).ConfigureAwait(false);
        var test = await TrainingSets.BuildAsync(engine, sources, trained.Set.Spec, target, [holdout], progress, cancellationToken).ConfigureAwait(false);
        var probabilities = trained.Model.Probabilities(test.Table);

        var summaries = await ValueModel.SummariesAsync(engine, sources, holdout, cancellationToken).ConfigureAwait(false);
        var purchaseModel = BgNbdModel.FitTo(summaries.Values);
        var sign = target.Kind == TargetKind.Churn ? -1.0 : 1.0;
        var baselineScores = test.PersonIds.Select(p => sign * purchaseModel.ConditionalExpectedPurchases(target.HorizonDays, summaries[p])).ToArray();

        var evaluation = new HoldoutEvaluation(target, holdout, trained.Set.Cutoffs, trained.Set.Table.Rows, trained.Sweep.Best.Configuration.ToString(),
            trained.Sweep.Metrics.Auc, ModelMetrics.Of(probabilities, test.Table.Labels), BinaryMetrics.Auc(baselineScores, test.Table.Labels),
            test.PersonIds, probabilities, test.Table.Labels);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{target.ModelName}: holdout as of {holdout:yyyy-MM-dd}, {evaluation.Rows:N0} people, AUC {evaluation.Metrics.Auc:F4} vs {HoldoutEvaluation.BaselineName} {evaluation.BaselineAuc:F4}"));
        return evaluation;
    }
}
