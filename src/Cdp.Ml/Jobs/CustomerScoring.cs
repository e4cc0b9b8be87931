using System.Globalization;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ml.Features;
using Cdp.Ml.Training;

namespace Cdp.Ml.Jobs;

/// <summary>A registered classifier ready to score: the model, the feature columns it was trained on and its registry version.</summary>
public sealed record ScoringClassifier(ChurnModel Model, FeatureSpec Spec, long Version);

/// <summary>The models one scoring run applies, with their registry versions.</summary>
public sealed record ScoringModels(ScoringClassifier Churn, ScoringClassifier Repurchase, ValueModel Value, long ValueVersion);

/// <summary>
/// The scores of every scored person, row-aligned with <see cref="PersonIds"/>, and the features they were computed
/// from (the churn model's frame), for segmentation.
/// </summary>
public sealed record CustomerScores(
    DateOnly Cutoff,
    DateTimeOffset ScoredAt,
    long[] PersonIds,
    double[] ChurnProbability,
    double[] RepurchaseProbability,
    CustomerValueScore[] Value,
    FeatureFrame Features)
{
    public int Rows => PersonIds.Length;
}

/// <summary>One per-category repurchase model's probabilities, row-aligned with <see cref="PersonIds"/>.</summary>
public sealed record CategoryScoring(string Category, string ModelName, long ModelVersion, int HorizonDays, long[] PersonIds, double[] Probability);

/// <summary>Scores every consenting customer as of a cutoff and publishes <c>gold.customer_scores</c>.</summary>
public static class CustomerScoring
{
    public const string ScoresTable = "customer_scores";

    /// <summary>One row per person and category with a registered per-category repurchase model.</summary>
    public const string CategoryScoresTable = "customer_category_scores";

    /// <summary>
    /// Computes the features each model was trained on as of <paramref name="cutoff"/> (the people who refused
    /// profiling are not scored), the churn and repurchase probabilities, and the value model's expected purchases,
    /// probability alive, spend and value.
    /// </summary>
    public static async Task<CustomerScores> ScoreAsync(DuckDbEngine engine, FeatureSources sources, ScoringModels models, DateOnly cutoff,
        DateTimeOffset scoredAt, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        var churnFrame = await TrainingSets.FeaturesAsync(engine, sources, models.Churn.Spec, cutoff, cancellationToken).ConfigureAwait(false);
        var repurchaseFrame = models.Repurchase.Spec.Equals(models.Churn.Spec)
            ? churnFrame
            : await TrainingSets.FeaturesAsync(engine, sources, models.Repurchase.Spec, cutoff, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"features of {churnFrame.Rows:N0} customers as of {cutoff:yyyy-MM-dd}"));

        var churn = models.Churn.Model.Probabilities(churnFrame.ToTable()).ToArray();
        var repurchase = models.Repurchase.Model.Probabilities(repurchaseFrame.ToTable()).ToArray();
        var summaries = await ValueModel.SummariesAsync(engine, sources, cutoff, cancellationToken).ConfigureAwait(false);
        var value = churnFrame.PersonIds.Select(p => models.Value.Score(summaries[p])).ToArray();
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"scored {churnFrame.Rows:N0} customers"));
        return new CustomerScores(cutoff, scoredAt, churnFrame.PersonIds, churn, repurchase, value, churnFrame);
    }

    /// <summary>Replaces the rows of the scores table with <paramref name="scores"/>, in one commit.</summary>
    public static async Task<long> PublishAsync(DuckDbEngine engine, DeltaTable table, CustomerScores scores, ScoringModels models,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(models);
        const string staging = "_cdp_ml_scores";
        await engine.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE {staging} (
                person_id BIGINT, churn_probability DOUBLE, repurchase_probability DOUBLE,
                expected_purchases DOUBLE, probability_alive DOUBLE, expected_spend DOUBLE, value DOUBLE)
            """, cancellationToken).ConfigureAwait(false);
        await engine.AppendAsync(staging, scores.Rows,
        [
            scores.PersonIds, scores.ChurnProbability, scores.RepurchaseProbability,
            scores.Value.Select(v => v.ExpectedPurchases).ToArray(), scores.Value.Select(v => v.ProbabilityAlive).ToArray(),
            scores.Value.Select(v => v.ExpectedSpend).ToArray(), scores.Value.Select(v => v.Value).ToArray(),
        ], cancellationToken).ConfigureAwait(false);
        return await ReplaceAsync(engine, table, staging, $"""
            person_id, churn_probability, repurchase_probability, expected_purchases, probability_alive, expected_spend, value,
            {models.Value.HorizonDays} AS value_horizon_days,
            {Sql.Literal(models.Churn.Version)} AS churn_model_version,
            {Sql.Literal(models.Repurchase.Version)} AS repurchase_model_version,
            {Sql.Literal(models.ValueVersion)} AS value_model_version
            """, "person_id", scores, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the rows of the category scores table with one row per person and scored category, in one commit.</summary>
    public static async Task<long> PublishCategoriesAsync(DuckDbEngine engine, DeltaTable table, IReadOnlyList<CategoryScoring> categories,
        CustomerScores scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(scores);
        const string staging = "_cdp_ml_category_scores";
        await engine.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE {staging} (
                person_id BIGINT, category VARCHAR, repurchase_probability DOUBLE, horizon_days INTEGER, model_name VARCHAR, model_version BIGINT)
            """, cancellationToken).ConfigureAwait(false);
        foreach (var c in categories)
        {
            var rows = c.PersonIds.Length;
            await engine.AppendAsync(staging, rows,
            [
                c.PersonIds, Enumerable.Repeat(c.Category, rows).ToArray(), c.Probability, Enumerable.Repeat(c.HorizonDays, rows).ToArray(),
                Enumerable.Repeat(c.ModelName, rows).ToArray(), Enumerable.Repeat(c.ModelVersion, rows).ToArray(),
            ], cancellationToken).ConfigureAwait(false);
        }
        return await ReplaceAsync(engine, table, staging, "person_id, category, repurchase_probability, horizon_days, model_name, model_version",
            "person_id, category", scores, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the table's rows and schema with <paramref name="columns"/> of the staging table, plus the scores'
    /// data_as_of and scored_at, in one commit; then drops the staging table.
    /// </summary>
    private static async Task<long> ReplaceAsync(DuckDbEngine engine, DeltaTable table, string staging, string columns, string orderBy,
        CustomerScores scores, CancellationToken cancellationToken)
    {
        var scoredAt = Sql.Literal(scores.ScoredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00");
        var asOf = Sql.Literal(scores.Cutoff.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var result = await new DeltaWriter(engine).WriteAsync(table,
            $"SELECT {columns}, DATE {asOf} AS data_as_of, TIMESTAMPTZ {scoredAt} AS scored_at FROM {staging} ORDER BY {orderBy}",
            WriteMode.Overwrite, new WriteOptions { OverwriteSchema = true }, cancellationToken).ConfigureAwait(false);
        await engine.ExecuteAsync($"DROP TABLE {staging}", cancellationToken).ConfigureAwait(false);
        return result.Version;
    }
}
