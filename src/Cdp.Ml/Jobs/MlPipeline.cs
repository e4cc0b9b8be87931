using System.Globalization;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ml.Features;
using Cdp.Ml.Registry;
using Cdp.Ml.Segmentation;
using Cdp.Ml.Training;

namespace Cdp.Ml.Jobs;

/// <summary>A classifier trained on the lake and registered.</summary>
/// <param name="AlreadyRegistered">The run had registered this model before (a retry): <paramref name="Registered"/> is that version, nothing new was written.</param>
public sealed record ClassifierRun(RegisteredModel Registered, TrainedClassifier Trained, bool AlreadyRegistered = false);

/// <summary>A value model fitted on the lake and registered.</summary>
/// <param name="AlreadyRegistered">The run had registered this model before (a retry): <paramref name="Registered"/> is that version, nothing new was written.</param>
public sealed record ValueRun(RegisteredModel Registered, ValueModel Model, bool AlreadyRegistered = false);

/// <summary>
/// One scoring run: the scores, the model versions they came from, the segments, and the Delta versions of
/// gold.customer_scores and gold.customer_segments.
/// </summary>
/// <param name="CategoryScores">The per-category repurchase models scored into gold.customer_category_scores (none when no such model is registered).</param>
public sealed record ScoringRun(CustomerScores Scores, ScoringModels Models, long ScoresVersion, SegmentationResult Segmentation, long SegmentsVersion,
    IReadOnlyList<CategoryScoring> CategoryScores);

/// <summary>
/// The ML jobs over one lake: train and register (churn, repurchase, value), score with the latest registered models,
/// and evaluate on a time-based holdout. Every model records the Delta versions of the tables it read.
/// </summary>
/// <param name="engine">The engine where <paramref name="sources"/> are registered.</param>
/// <param name="openGold">Opens a Delta table by its name in the gold zone.</param>
/// <param name="inputVersions">The Delta version of every relation in <paramref name="sources"/>, recorded with each model.</param>
public sealed class MlPipeline(DuckDbEngine engine, FeatureSources sources, ModelRegistry registry, Func<string, DeltaTable> openGold,
    IReadOnlyDictionary<string, long> inputVersions, TimeProvider? clock = null)
{
    public const string ValueModelName = "value";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// The id the trained models are registered under, e.g. a scheduler's run id: a retry with the same id registers
    /// no second version of a model the run registered (see <see cref="ModelRegistry.RegisterAsync"/>). Null: a new id per model.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Trains on cutoffs up to the end of the data and registers the model as the next version of its name.</summary>
    public async Task<ClassifierRun> TrainClassifierAsync(PredictionTarget target, ClassifierTrainingOptions options, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var span = await TrainingSets.SpanAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var trained = await ClassifierTraining.TrainAsync(engine, sources, target, span.ScoringCutoff, options, progress, cancellationToken).ConfigureAwait(false);
        using var artifact = new MemoryStream();
        trained.Model.Save(artifact);
        var description = new ModelDescription
        {
            ModelName = target.ModelName,
            Kind = ModelKinds.BinaryClassifier,
            Algorithm = trained.Sweep.Best.Configuration.ToString(),
            RunId = RunId ?? Guid.NewGuid().ToString("N"),
            Seed = options.Sweep.Seed,
            TrainingCutoffs = trained.Set.Cutoffs,
            HorizonDays = target.HorizonDays,
            Rows = trained.Set.Table.Rows,
            Positives = trained.Set.Table.Positives,
            Features = ModelFeature.Of(trained.Model),
            Metrics = Metrics(trained.Sweep),
            InputVersions = inputVersions,
        };
        var (registered, before) = await RegisterAsync(description, artifact.ToArray(), progress, cancellationToken).ConfigureAwait(false);
        return new ClassifierRun(registered, trained, before);
    }

    /// <summary>Fits BG/NBD and Gamma-Gamma on every purchase and registers them as the next version of <c>value</c>.</summary>
    public async Task<ValueRun> TrainValueAsync(int? horizonDays = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var span = await TrainingSets.SpanAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"value: fitting BG/NBD and Gamma-Gamma on the purchases up to {span.LastDay:yyyy-MM-dd}"));
        var model = await ValueModel.FitAsync(engine, sources, span.ScoringCutoff, horizonDays ?? ValueModel.DefaultHorizonDays, cancellationToken).ConfigureAwait(false);
        var description = new ModelDescription
        {
            ModelName = ValueModelName,
            Kind = ModelKinds.Btyd,
            Algorithm = "BG/NBD + Gamma-Gamma",
            RunId = RunId ?? Guid.NewGuid().ToString("N"),
            TrainingCutoffs = [span.ScoringCutoff],
            HorizonDays = model.HorizonDays,
            Rows = model.Customers,
            Metrics = new Dictionary<string, double>
            {
                ["bgnbd_r"] = model.Purchases.R, ["bgnbd_alpha"] = model.Purchases.Alpha, ["bgnbd_a"] = model.Purchases.A, ["bgnbd_b"] = model.Purchases.B,
                ["gamma_gamma_p"] = model.Spend.P, ["gamma_gamma_q"] = model.Spend.Q, ["gamma_gamma_gamma"] = model.Spend.Gamma,
                ["repeat_buyers"] = model.RepeatBuyers,
            },
            InputVersions = inputVersions,
        };
        var (registered, before) = await RegisterAsync(description, model.ToJson(), progress, cancellationToken).ConfigureAwait(false);
        return new ValueRun(registered, model, before);
    }

    /// <summary>Registers the model; true with the earlier version when this run had registered it already.</summary>
    private async Task<(RegisteredModel Registered, bool Before)> RegisterAsync(ModelDescription description, byte[] artifact, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var (registered, written) = await registry.RegisterOnceAsync(description, artifact, cancellationToken).ConfigureAwait(false);
        progress?.Report(written
            ? string.Create(CultureInfo.InvariantCulture, $"{description.ModelName}: registered version {registered.Version}")
            : string.Create(CultureInfo.InvariantCulture, $"{description.ModelName}: version {registered.Version} was registered by run {description.RunId} already; nothing written"));
        return (registered, !written);
    }

    /// <summary>
    /// Loads the latest churn, repurchase and value models, scores every consenting customer as of the day after the
    /// data and replaces gold.customer_scores in one commit, and gold.customer_features with the churn model's inputs;
    /// then segments them and replaces gold.customer_segments.
    /// </summary>
    public async Task<ScoringRun> ScoreAsync(SegmentationOptions? segmentOptions = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var spec = await TrainingSets.SpecAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var churn = await ClassifierAsync("churn", spec, cancellationToken).ConfigureAwait(false);
        var repurchase = await ClassifierAsync("repurchase", spec, cancellationToken).ConfigureAwait(false);
        var (valueBytes, value) = await ArtifactAsync(ValueModelName, cancellationToken).ConfigureAwait(false);
        var models = new ScoringModels(churn, repurchase, ValueModel.FromJson(valueBytes), value.Version);
        var span = await TrainingSets.SpanAsync(engine, sources, cancellationToken).ConfigureAwait(false);
        var scores = await CustomerScoring.ScoreAsync(engine, sources, models, span.ScoringCutoff, _clock.GetUtcNow(), progress, cancellationToken).ConfigureAwait(false);
        var version = await CustomerScoring.PublishAsync(engine, openGold(CustomerScoring.ScoresTable), scores, models, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"published gold.{CustomerScoring.ScoresTable} version {version}"));
        await FeatureTable.PublishAsync(engine, openGold(FeatureTable.TableName), scores.Features, cancellationToken).ConfigureAwait(false);
        var categoryScores = await ScoreCategoriesAsync(spec, scores, progress, cancellationToken).ConfigureAwait(false);
        var segmentation = CustomerSegments.Segment(scores, segmentOptions, cancellationToken);
        var segmentsVersion = await CustomerSegments.PublishAsync(engine, openGold(CustomerSegments.SegmentsTable), segmentation, scores.ScoredAt, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"published gold.{CustomerSegments.SegmentsTable} version {segmentsVersion}: {segmentation.Segments.Count} segments"));
        return new ScoringRun(scores, models, version, segmentation, segmentsVersion, categoryScores);
    }

    /// <summary>
    /// Scores the latest version of every registered per-category repurchase model (<c>repurchase_&lt;category&gt;</c>,
    /// trained with <c>cdp ml train repurchase:&lt;category&gt;</c>) for the people <paramref name="scores"/> holds, and
    /// replaces gold.customer_category_scores with them in one commit. Nothing is written when there is no such model.
    /// </summary>
    private async Task<IReadOnlyList<CategoryScoring>> ScoreCategoriesAsync(FeatureSpec lakeSpec, CustomerScores scores, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var prefix = PredictionTarget.Repurchase().ModelName + "_";
        var names = (await registry.ListAsync(cancellationToken).ConfigureAwait(false))
            .Select(m => m.ModelName).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0) return [];
        var scored = new List<CategoryScoring>();
        var frames = new Dictionary<FeatureSpec, FeatureFrame> { [scores.Features.Spec] = scores.Features };
        foreach (var name in names)
        {
            var classifier = await ClassifierAsync(name, lakeSpec, cancellationToken).ConfigureAwait(false);
            if (!frames.TryGetValue(classifier.Spec, out var frame))
                frames[classifier.Spec] = frame = await TrainingSets.FeaturesAsync(engine, sources, classifier.Spec, scores.Cutoff, cancellationToken).ConfigureAwait(false);
            var slug = name[prefix.Length..];
            var category = lakeSpec.Categories.FirstOrDefault(c => FeatureSpec.Slug(c) == slug) ?? slug;
            var registered = await registry.RequireAsync(name, classifier.Version, cancellationToken).ConfigureAwait(false);
            scored.Add(new CategoryScoring(category, name, classifier.Version, registered.Description.HorizonDays ?? PredictionTarget.DefaultRepurchaseHorizon,
                frame.PersonIds, classifier.Model.Probabilities(frame.ToTable()).ToArray()));
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{name}: scored {frame.Rows:N0} customers"));
        }
        var version = await CustomerScoring.PublishCategoriesAsync(engine, openGold(CustomerScoring.CategoryScoresTable), scored, scores, cancellationToken)
            .ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"published gold.{CustomerScoring.CategoryScoresTable} version {version}"));
        return scored;
    }

    /// <summary>The churn and repurchase models judged on their holdouts against the BG/NBD baseline.</summary>
    public async Task<IReadOnlyList<HoldoutEvaluation>> EvaluateAsync(ClassifierTrainingOptions options, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var churn = await ModelEvaluation.EvaluateAsync(engine, sources, PredictionTarget.Churn(), options, progress, cancellationToken).ConfigureAwait(false);
        var repurchase = await ModelEvaluation.EvaluateAsync(engine, sources, PredictionTarget.Repurchase(), options, progress, cancellationToken).ConfigureAwait(false);
        return [churn, repurchase];
    }

    /// <summary>A sweep's figures as the registry stores them: the metrics, the calibration table and the feature importance, flat.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(SweepResult sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var m = sweep.Metrics;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["auc"] = m.Auc, ["pr_auc"] = m.PrAuc, ["log_loss"] = m.LogLoss, ["brier"] = m.Brier, ["top_decile_lift"] = m.TopDecileLift,
            ["trials"] = sweep.Trials.Count,
        };
        for (var i = 0; i < m.Calibration.Count; i++)
        {
            var bin = m.Calibration[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"calibration_{i + 1:00}");
            metrics[key + "_count"] = bin.Count;
            if (bin.Count == 0) continue;
            metrics[key + "_predicted"] = bin.MeanPredicted;
            metrics[key + "_observed"] = bin.ObservedRate;
        }
        foreach (var feature in sweep.Importance) metrics["importance_" + feature.Column] = feature.AucDrop;
        return metrics;
    }

    private async Task<ScoringClassifier> ClassifierAsync(string name, FeatureSpec lakeSpec, CancellationToken cancellationToken)
    {
        var (bytes, registered) = await ArtifactAsync(name, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes);
        var model = ChurnModel.Load(stream);
        return new ScoringClassifier(model, FeatureSpec.FromColumns(model.NumericColumns, lakeSpec.Categories), registered.Version);
    }

    private async Task<(byte[] Bytes, RegisteredModel Registered)> ArtifactAsync(string name, CancellationToken cancellationToken)
    {
        var registered = await registry.LatestAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelRegistryException($"No {name} model in the registry {registry.Location}; train one first: cdp ml train {name}");
        return (await registry.ArtifactAsync(name, registered.Version, cancellationToken).ConfigureAwait(false), registered);
    }
}
