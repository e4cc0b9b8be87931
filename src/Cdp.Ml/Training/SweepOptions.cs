namespace Cdp.Ml.Training;

/// <summary>
/// How a sweep runs. <see cref="MaxTrials"/> caps the configurations tried; <see cref="TimeBudget"/> only stops a
/// sweep early (checked before each trial; the first trial always runs). Same data + same seed give identical
/// trials and metrics whenever the cap is reached before the budget; a sweep cut short by the budget depends on
/// machine speed, and <see cref="SweepResult.StoppedByBudget"/> says so.
/// </summary>
public sealed record SweepOptions
{
    public int Seed { get; init; } = 42;
    public int Folds { get; init; } = 5;
    public int MaxTrials { get; init; } = 8;
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromMinutes(5);
    public int MinimumPositives { get; init; } = 100;
    public int MinimumNegatives { get; init; } = 100;

    /// <summary>Held-out rows per fold that permutation importance scores: all of them up to this many, else a seeded sample (its cost grows with rows x columns).</summary>
    public int ImportanceRows { get; init; } = 20_000;

    internal void Validate()
    {
        if (Folds < 2) throw TrainingErrors.BadOption(nameof(Folds), Folds, "at least 2");
        if (MaxTrials < 1) throw TrainingErrors.BadOption(nameof(MaxTrials), MaxTrials, "at least 1");
        if (TimeBudget <= TimeSpan.Zero) throw TrainingErrors.BadOption(nameof(TimeBudget), TimeBudget, "positive");
        if (MinimumPositives < Folds) throw TrainingErrors.BadOption(nameof(MinimumPositives), MinimumPositives, "at least the number of folds");
        if (ImportanceRows < 10) throw TrainingErrors.BadOption(nameof(ImportanceRows), ImportanceRows, "at least 10");
        if (MinimumNegatives < Folds) throw TrainingErrors.BadOption(nameof(MinimumNegatives), MinimumNegatives, "at least the number of folds");
    }
}

/// <summary>One configuration's cross-validation: AUC per held-out fold and their mean.</summary>
public sealed record TrialResult(int Index, TrialConfiguration Configuration, IReadOnlyList<double> FoldAuc, double MeanAuc, TimeSpan Elapsed);

/// <summary>Mean drop in held-out AUC when one source column is shuffled within each validation fold.</summary>
public sealed record FeatureImportance(string Column, double AucDrop);

/// <summary>
/// The outcome of a sweep. <see cref="Metrics"/> are computed on the out-of-fold predictions of the best
/// configuration after Platt calibration (fitted on those pooled out-of-fold scores); <see cref="Model"/> is the best
/// configuration retrained on every row with that calibration.
/// </summary>
public sealed record SweepResult(
    IReadOnlyList<TrialResult> Trials,
    TrialResult Best,
    ModelMetrics Metrics,
    PlattCalibration Calibration,
    IReadOnlyList<FeatureImportance> Importance,
    ChurnModel Model,
    int Rows,
    int Positives,
    IReadOnlyDictionary<string, int> MissingNumeric,
    bool StoppedByBudget);
