using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp demo</c> at 2,000 people (identity and ML figures against the ground truth) and <c>cdp ml train|score|evaluate</c>
/// on the lake it leaves.
/// </summary>
[Collection(Demo2000Collection.Name)]
public sealed class MlCommandsTests(Demo2000Lake demo) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<CliResult> Ml(params string[] args) => CdpCli.RunAsync(["ml", .. args, "--project-dir", demo.Project, "--format", "json"]);

    [Fact]
    public void Identity_on_the_demo_brand_meets_the_precision_and_recall_floors()
    {
        var figure = (string)demo.Demo["quality"]!["identity pairwise precision / recall"]!;
        var parts = figure.Split(' ');
        var (precision, recall) = (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
        Assert.True(precision >= 0.99, $"precision {precision} ({figure})");
        Assert.True(recall >= 0.95, $"recall {recall} ({figure})");
    }

    /// <summary>
    /// The demo trains, scores and evaluates: churn is predicted well against the brand's true churn, and the ML
    /// repurchase model beats the BG/NBD baseline on the same holdout.
    /// </summary>
    [Fact]
    public void Demo_reports_churn_against_true_churn_and_repurchase_against_the_baseline()
    {
        var ml = demo.Demo["ml"]!;
        Assert.Null((string?)ml["skipped"]);
        var steps = demo.Demo["steps"]!.AsArray().Select(s => (string)s!["step"]!).ToList();
        Assert.Equal(["train the ML models", "score and segment customers", "evaluate on a holdout"], steps.SkipWhile(s => s != "train the ML models").Take(3));

        Assert.True((double)ml["churn_holdout_auc"]! >= 0.75, ml.ToJsonString());
        Assert.True((double)ml["churn_true_auc"]! >= 0.75, ml.ToJsonString());
        Assert.True((int)ml["churn_true_people"]! >= 300, ml.ToJsonString());
        Assert.True((double)ml["repurchase_holdout_auc"]! > (double)ml["repurchase_baseline_auc"]!, ml.ToJsonString());
        Assert.Contains("repurchase (30 days) holdout AUC: model / BG/NBD", demo.Demo["quality"]!.AsObject().Select(q => q.Key));
    }

    [Fact]
    public async Task Scores_cover_every_consenting_customer_and_nobody_who_refused_profiling()
    {
        var counts = (await demo.SqlAsync("""
            SELECT
                (SELECT count(*) FROM gold.customer_scores) AS scored,
                (SELECT count(DISTINCT person_id) FROM gold.person_purchases
                  WHERE person_id NOT IN (SELECT person_id FROM gold.person_consents WHERE purpose = 'profiling' AND NOT granted)) AS consenting_customers,
                (SELECT count(*) FROM gold.customer_scores s JOIN gold.person_consents c USING (person_id)
                  WHERE c.purpose = 'profiling' AND NOT c.granted) AS refused_but_scored,
                (SELECT count(*) FROM gold.customer_scores WHERE churn_probability NOT BETWEEN 0 AND 1 OR repurchase_probability NOT BETWEEN 0 AND 1
                    OR value < 0 OR expected_purchases < 0 OR probability_alive NOT BETWEEN 0 AND 1) AS out_of_range,
                (SELECT count(*) FROM gold.customer_segments) AS segmented,
                (SELECT count(DISTINCT segment_description) FROM gold.customer_segments) AS descriptions,
                (SELECT count(DISTINCT segment) FROM gold.customer_segments) AS segments,
                (SELECT count(DISTINCT churn_model_version) FROM gold.customer_scores) AS churn_versions,
                (SELECT count(*) FROM gold.customer_features f JOIN gold.customer_scores s USING (person_id) WHERE f.data_as_of = s.data_as_of) AS featured,
                (SELECT count(*) FILTER (WHERE gap_mean_days IS NULL) FROM gold.customer_features) AS one_purchase_gaps_null,
                (SELECT count(*) FILTER (WHERE isnan(gap_mean_days)) FROM gold.customer_features) AS gaps_nan
            """))[0]!;
        Assert.True((long)counts["scored"]! > 500, counts.ToJsonString());
        Assert.Equal((long)counts["consenting_customers"]!, (long)counts["scored"]!);
        Assert.Equal(0, (long)counts["refused_but_scored"]!);
        Assert.Equal(0, (long)counts["out_of_range"]!);
        Assert.Equal((long)counts["scored"]!, (long)counts["segmented"]!);
        Assert.Equal((long)counts["segments"]!, (long)counts["descriptions"]!);
        Assert.InRange((long)counts["segments"]!, 3, 8);
        Assert.Equal(1, (long)counts["churn_versions"]!);

        // The features the scores were computed from, as of the same day, missing values as NULL.
        Assert.Equal((long)counts["scored"]!, (long)counts["featured"]!);
        Assert.True((long)counts["one_purchase_gaps_null"]! > 0, counts.ToJsonString());
        Assert.Equal(0, (long)counts["gaps_nan"]!);

        // The segment numbered 1 is the most valuable one.
        var value = await demo.SqlAsync("""
            SELECT g.segment, avg(s.value) AS mean_value FROM gold.customer_segments g JOIN gold.customer_scores s USING (person_id)
            GROUP BY g.segment ORDER BY g.segment
            """);
        Assert.True((double)value[0]!["mean_value"]! >= value.Max(v => (double)v!["mean_value"]!) - 1e-9, value.ToJsonString());
    }

    /// <summary>
    /// A registered per-category repurchase model is scored with the others: one row per scored customer in
    /// gold.customer_category_scores, with the category's name, the model version and the horizon.
    /// </summary>
    [Fact]
    public async Task Scoring_includes_every_registered_per_category_repurchase_model()
    {
        var trained = (await Ml("train", "repurchase:skincare", "--trials", "1")).Succeeded().JsonObject();
        var scored = (await Ml("score")).Succeeded().JsonObject();
        Assert.Contains($"skincare v{(long)trained["version"]!}", (string)scored["category_models"]!, StringComparison.Ordinal);

        var rows = (await demo.SqlAsync("""
            SELECT
                (SELECT count(*) FROM gold.customer_scores) AS customers,
                (SELECT count(*) FROM gold.customer_category_scores WHERE category = 'skincare') AS skincare_rows,
                (SELECT count(*) FROM gold.customer_category_scores c JOIN gold.customer_scores s USING (person_id)
                  WHERE c.category = 'skincare' AND c.data_as_of = s.data_as_of) AS matched,
                (SELECT count(*) FROM gold.customer_category_scores WHERE repurchase_probability NOT BETWEEN 0 AND 1) AS out_of_range,
                (SELECT count(DISTINCT repurchase_probability) FROM gold.customer_category_scores WHERE category = 'skincare') AS distinct_scores,
                (SELECT max(model_version) FROM gold.customer_category_scores WHERE model_name = 'repurchase_skincare') AS model_version,
                (SELECT min(horizon_days) FROM gold.customer_category_scores) AS horizon
            """))[0]!;
        Assert.Equal((long)rows["customers"]!, (long)rows["skincare_rows"]!);
        Assert.Equal((long)rows["customers"]!, (long)rows["matched"]!);
        Assert.Equal(0, (long)rows["out_of_range"]!);
        Assert.True((long)rows["distinct_scores"]! > 10, rows.ToJsonString());
        Assert.Equal((long)trained["version"]!, (long)rows["model_version"]!);
        Assert.Equal(30, (int)rows["horizon"]!);
    }

    /// <summary>A scheduler's retry of a training run (same <c>--run-id</c>) registers no second version.</summary>
    [Fact]
    public async Task A_training_retried_with_its_run_id_registers_no_second_version()
    {
        var runId = "airflow-" + Guid.NewGuid().ToString("N")[..8];
        var first = (await Ml("train", "value", "--run-id", runId)).Succeeded().JsonObject();
        var retry = (await CdpCli.RunAsync("ml", "train", "value", "--run-id", runId, "--project-dir", demo.Project)).Succeeded();
        var retried = (await Ml("train", "value", "--run-id", runId)).Succeeded().JsonObject();
        var other = (await Ml("train", "value")).Succeeded().JsonObject();

        Assert.Equal((runId, false), ((string)first["run_id"]!, (bool)first["already_registered"]!));
        Assert.Equal(((long)first["version"]!, true), ((long)retried["version"]!, (bool)retried["already_registered"]!));
        // The retry finds the run's registration before fitting anything.
        var text = retry.Stdout.ReplaceLineEndings(" "); // the console wraps long lines
        Assert.True(text.Contains($"value: version {(long)first["version"]!} was registered by run {runId} already; nothing trained or written", StringComparison.Ordinal), retry.Stdout);
        Assert.DoesNotContain("fitting", retry.Stdout, StringComparison.Ordinal);
        // It reports the registered model: the parameters the first run fitted.
        Assert.Contains($"r={((double)retried["bgnbd_r"]!).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} ", (string)first["bgnbd"]!, StringComparison.Ordinal);
        Assert.Equal(((long)first["version"]! + 1, false), ((long)other["version"]!, (bool)other["already_registered"]!));
        var rows = await demo.SqlAsync($"SELECT count(*) AS n FROM gold.ml_models WHERE model_name = 'value' AND run_id = '{runId}'");
        Assert.Equal(1L, (long)rows[0]!["n"]!);
    }

    /// <summary>
    /// Every registered model carries its version, features, metrics, training window and the Delta versions of its
    /// inputs; training again with the same seed gives the same metrics under the next version.
    /// </summary>
    [Fact]
    public async Task Training_registers_a_traceable_model_and_the_same_seed_gives_the_same_metrics()
    {
        var first = (await Ml("train", "repurchase:skincare", "--trials", "2")).Succeeded().JsonObject();
        var second = (await Ml("train", "repurchase:skincare", "--trials", "2")).Succeeded().JsonObject();

        Assert.Equal("repurchase_skincare", (string)first["model"]!);
        Assert.Equal((long)first["version"]! + 1, (long)second["version"]!);
        foreach (var metric in new[] { "cv_auc", "cv_pr_auc", "cv_log_loss", "cv_brier", "cv_top_decile_lift", "algorithm", "training_cutoffs", "rows", "positives" })
            Assert.Equal(first[metric]!.ToJsonString(), second[metric]!.ToJsonString());
        Assert.Equal(3, ((string)first["training_cutoffs"]!).Split(", ").Length);

        var registry = await demo.SqlAsync($"""
            SELECT version, kind, horizon_days, features_schema, metrics, input_versions, octet_length(artifact) AS bytes
            FROM gold.ml_models WHERE model_name = 'repurchase_skincare' AND version = {(long)second["version"]!}
            """);
        var row = registry[0]!;
        Assert.Equal("binary_classifier", (string)row["kind"]!);
        Assert.Equal(30, (int)row["horizon_days"]!);
        Assert.Contains("due_days_skincare", (string)row["features_schema"]!, StringComparison.Ordinal);
        var metrics = JsonNode.Parse((string)row["metrics"]!)!.AsObject();
        foreach (var name in new[] { "auc", "pr_auc", "log_loss", "brier", "top_decile_lift", "calibration_01_count", "importance_recency_days" })
            Assert.True(metrics.ContainsKey(name), $"metric {name} missing: {metrics.ToJsonString()}");
        var inputs = JsonNode.Parse((string)row["input_versions"]!)!.AsObject();
        Assert.Equal(["gold.person_activity", "gold.person_consents", "gold.person_purchase_lines", "gold.person_purchases"], inputs.Select(i => i.Key).Order(StringComparer.Ordinal));
        foreach (var (relation, version) in inputs)
        {
            var described = (await CdpCli.RunAsync("lake", "describe", Path.Combine(demo.Lake, "gold", relation["gold.".Length..]), "--format", "json")).Succeeded().JsonObject();
            Assert.Equal((long)described["version"]!, (long)version!);
        }
        Assert.True((long)row["bytes"]! > 1000);
    }

    [Fact]
    public async Task Evaluate_reports_holdout_metrics_against_the_baseline()
    {
        var evaluations = (await Ml("evaluate", "--trials", "2")).Succeeded().JsonArray();

        Assert.Equal(["churn", "repurchase"], evaluations.Select(e => (string)e!["model"]!));
        foreach (var e in evaluations)
        {
            Assert.InRange((double)e!["auc"]!, 0.5, 1.0);
            Assert.InRange((double)e["baseline_auc"]!, 0.0, 1.0);
            Assert.True((int)e["holdout_rows"]! > 100, e.ToJsonString());
            Assert.True(DateOnly.Parse((string)e["holdout_cutoff"]!, CultureInfo.InvariantCulture) > DateOnly.Parse(((string)e["training_cutoffs"]!).Split(", ")[^1], CultureInfo.InvariantCulture));
        }
        Assert.True((bool)evaluations[1]!["beats_baseline"]!, evaluations[1]!.ToJsonString());
    }

    [Fact]
    public async Task Bad_targets_and_lakes_without_profiles_or_models_fail_with_a_clear_error()
    {
        var unknown = (await Ml("train", "lifetime")).Failed(1);
        Assert.Contains("Unknown prediction target 'lifetime'", unknown.Stderr, StringComparison.Ordinal);

        var empty = _dir.Path("empty-lake");
        Directory.CreateDirectory(empty);
        var noProfiles = (await CdpCli.RunAsync("ml", "train", "churn", "--project-dir", demo.Project, "--lake", empty)).Failed(1);
        Assert.Contains("no table gold/person_purchases", noProfiles.Stderr, StringComparison.Ordinal);
        Assert.Contains("cdp models build", noProfiles.Stderr, StringComparison.Ordinal);

        // A lake with the profile tables but no registered model: copy the gold tables the features read, without the registry.
        var bare = _dir.Path("bare-lake");
        foreach (var table in new[] { "person_purchases", "person_purchase_lines", "person_activity" })
            DemoProject.CopyFolder(Path.Combine(demo.Lake, "gold", table), Path.Combine(bare, "gold", table));
        var noModels = (await CdpCli.RunAsync("ml", "score", "--project-dir", demo.Project, "--lake", bare)).Failed(1);
        Assert.Contains("No churn model in the registry", noModels.Stderr, StringComparison.Ordinal);
        Assert.Contains("cdp ml train churn", noModels.Stderr, StringComparison.Ordinal);
    }
}
