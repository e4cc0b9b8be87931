using System.Diagnostics;

namespace Cdp.Ml.Training;

/// <summary>
/// A small, seeded hyper-parameter sweep for a binary churn label: each configuration of <see cref="SearchSpace"/> is
/// cross-validated on the same stratified folds (whole people to a fold when the table has groups), the best mean AUC wins (the earlier trial on a tie), its out-of-fold
/// scores are Platt-calibrated and measured, and it is retrained on every row.
/// </summary>
public static class ChurnSweep
{
    public static SweepResult Run(TrainingTable table, SweepOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new SweepOptions();
        options.Validate();
        var (positives, negatives) = (table.Positives, table.Negatives);
        if (positives < options.MinimumPositives || negatives < options.MinimumNegatives)
            throw TrainingErrors.TooFewExamples(positives, negatives, options.MinimumPositives, options.MinimumNegatives);

        var folds = table.Groups is { } groups
            ? CrossValidation.StratifiedGroupFolds(table.Labels, groups, options.Folds, options.Seed)
            : CrossValidation.StratifiedFolds(table.Labels, options.Folds, options.Seed);
        var clock = Stopwatch.StartNew();
        var trials = new List<TrialResult>();
        CrossValidation? best = null;
        TrialResult? bestTrial = null;
        var stoppedByBudget = false;
        foreach (var configuration in SearchSpace.Configurations(options.Seed, options.MaxTrials))
        {
            if (trials.Count > 0 && clock.Elapsed >= options.TimeBudget)
            {
                stoppedByBudget = true;
                break;
            }
            var started = clock.Elapsed;
            var run = CrossValidation.Run(table, configuration, folds, options.Seed, cancellationToken);
            var trial = new TrialResult(trials.Count, configuration, run.FoldAuc, run.FoldAuc.Average(), clock.Elapsed - started);
            trials.Add(trial);
            if (bestTrial is null || trial.MeanAuc > bestTrial.MeanAuc)
                (best, bestTrial) = (run, trial);
        }
        if (best is null || bestTrial is null) throw new UnreachableException("A sweep always runs its first trial; this is a bug.");

        var calibration = PlattCalibration.Fit(best.OutOfFoldScores, table.Labels);
        var probabilities = best.OutOfFoldScores.Select(calibration.Probability).ToArray();
        var metrics = ModelMetrics.Of(probabilities, table.Labels);
        var importance = best.PermutationImportance(table, options.Seed, options.ImportanceRows);
        var all = Enumerable.Range(0, table.Rows).ToArray();
        var (encoder, model) = CrossValidation.Train(table, all, bestTrial.Configuration, options.Seed);
        return new SweepResult(trials, bestTrial, metrics, calibration, importance,
            new ChurnModel(bestTrial.Configuration, table.NumericColumns, table.CategoricalColumns, encoder, model, calibration, options.Seed),
            table.Rows, positives, table.MissingNumeric(), stoppedByBudget);
    }
}
