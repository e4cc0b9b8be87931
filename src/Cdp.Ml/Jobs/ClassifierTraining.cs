using System.Globalization;
using Cdp.Engine;
using Cdp.Ml.Features;
using Cdp.Ml.Training;

namespace Cdp.Ml.Jobs;

/// <summary>How classifiers are trained from the lake.</summary>
public sealed record ClassifierTrainingOptions
{
    /// <summary>How many cutoffs, one horizon apart, the training set stacks.</summary>
    public int Cutoffs { get; init; } = 3;

    public SweepOptions Sweep { get; init; } = new();
}

/// <summary>A classifier trained on a training set: the rows it saw and the sweep's outcome (metrics, importance, model).</summary>
public sealed record TrainedClassifier(TrainingSet Set, SweepResult Sweep)
{
    public PredictionTarget Target => Set.Target;
    public ChurnModel Model => Sweep.Model;
}

/// <summary>Trains churn and repurchase classifiers on point-in-time training sets.</summary>
public static class ClassifierTraining
{
    /// <summary>
    /// Builds a training set from <see cref="ClassifierTrainingOptions.Cutoffs"/> cutoffs whose horizons end by
    /// <paramref name="labelEnd"/> (exclusive; the day after the data for a production model, a holdout cutoff for an
    /// evaluation) and runs the sweep on it.
    /// </summary>
    public static async Task<TrainedClassifier> TrainAsync(DuckDbEngine engine, FeatureSources sources, PredictionTarget target, DateOnly labelEnd,
        ClassifierTrainingOptions? options = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new ClassifierTrainingOptions();
        var spec = await TrainingSets.SpecAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var span = await TrainingSets.SpanAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var cutoffs = TrainingSets.Cutoffs(span, labelEnd, target.HorizonDays, options.Cutoffs);
        var set = await TrainingSets.BuildAsync(engine, sources, spec, target, cutoffs, progress, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{target.ModelName}: sweeping up to {options.Sweep.MaxTrials} configurations over {set.Table.Rows:N0} rows ({set.Table.Positives:N0} positive)"));
        var sweep = ChurnSweep.Run(set.Table, options.Sweep, cancellationToken);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{target.ModelName}: best {sweep.Best.Configuration}, cross-validated AUC {sweep.Metrics.Auc:F4}"));
        return new TrainedClassifier(set, sweep);
    }
}
