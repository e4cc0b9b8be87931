using Cdp.Ml.Training;

namespace Cdp.Ml.Registry;

/// <summary>
/// What is known about a trained model besides its bytes: one row of <c>ml_models</c> without the version and
/// registration time (which the registry assigns) and without the artifact (passed to
/// <see cref="ModelRegistry.RegisterAsync"/> and read back by <see cref="ModelRegistry.ArtifactAsync"/>).
/// </summary>
public sealed record ModelDescription
{
    /// <summary>The model's name in the registry (for example <c>churn</c>, <c>repurchase_skincare</c>): lower-case letters, digits, '_' and '-', starting with a letter.</summary>
    public required string ModelName { get; init; }

    /// <summary>What the model is, for example <see cref="ModelKinds.BinaryClassifier"/> or <see cref="ModelKinds.Btyd"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The algorithm and its settings as text, for example <c>LightGBM(leaves=16, ...)</c> or <c>BG/NBD + Gamma-Gamma</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The training run that produced the model.</summary>
    public required string RunId { get; init; }

    /// <summary>The seed that fixes the training result, when there is one.</summary>
    public int? Seed { get; init; }

    /// <summary>The cutoff dates whose snapshots the training rows were built from (features before, labels after).</summary>
    public IReadOnlyList<DateOnly> TrainingCutoffs { get; init; } = [];

    /// <summary>How many days after a cutoff the label or prediction covers.</summary>
    public int? HorizonDays { get; init; }

    /// <summary>Training rows (customers × cutoffs).</summary>
    public long Rows { get; init; }

    /// <summary>Rows with the positive label, for classifiers.</summary>
    public long? Positives { get; init; }

    /// <summary>The feature columns the model expects, in order.</summary>
    public IReadOnlyList<ModelFeature> Features { get; init; } = [];

    /// <summary>Evaluation figures by name (for example <c>auc</c>, <c>brier</c>); finite numbers only.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The Delta version of every relation the training read, for example <c>gold.person_activity</c> → 12.</summary>
    public IReadOnlyDictionary<string, long> InputVersions { get; init; } = new Dictionary<string, long>();
}

/// <summary>Common values of <see cref="ModelDescription.Kind"/>.</summary>
public static class ModelKinds
{
    public const string BinaryClassifier = "binary_classifier";
    public const string Btyd = "btyd";
}

/// <summary>Whether a feature column holds numbers or categories.</summary>
public enum FeatureKind
{
    Numeric,
    Categorical,
}

/// <summary>One feature column a model expects.</summary>
public sealed record ModelFeature(string Name, FeatureKind Kind)
{
    /// <summary>The feature columns of a churn model: its numeric columns, then its categorical ones.</summary>
    public static IReadOnlyList<ModelFeature> Of(ChurnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NumericColumns.Select(c => new ModelFeature(c, FeatureKind.Numeric))
            .Concat(model.CategoricalColumns.Select(c => new ModelFeature(c, FeatureKind.Categorical)))
            .ToArray();
    }
}

/// <summary>
/// A model as registered: its description, the version the registry gave it (1, 2, 3... per model name), when it was
/// registered (UTC, to the microsecond) and the SHA-256 of its artifact (lower-case hex).
/// </summary>
public sealed record RegisteredModel(ModelDescription Description, long Version, DateTimeOffset TrainedAt, string ArtifactSha256)
{
    public string ModelName => Description.ModelName;
}
