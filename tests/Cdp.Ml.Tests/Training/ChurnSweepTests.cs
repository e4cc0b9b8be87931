using Cdp.Ml.Training;
using Microsoft.ML;

namespace Cdp.Ml.Tests.Training;

public class ChurnSweepTests
{
    /// <summary>A synthetic table: churn more likely with low tenure and a "monthly" plan; a few tenures missing.</summary>
    internal static TrainingTable Synthetic(int rows, int seed)
    {
        var random = new Random(seed);
        var numbers = new List<double[]>();
        var categories = new List<string?[]>();
        var labels = new List<bool>();
        for (var i = 0; i < rows; i++)
        {
            var tenure = random.Next(0, 72);
            var plan = random.Next(3) switch { 0 => "monthly", 1 => "yearly", _ => "two-year" };
            var charge = 20 + random.NextDouble() * 100;
            var margin = -1.0 - 0.04 * tenure + (plan == "monthly" ? 1.8 : 0) + 0.01 * charge;
            labels.Add(random.NextDouble() < 1 / (1 + Math.Exp(-margin)));
            numbers.Add([i % 37 == 0 ? double.NaN : tenure, charge]);
            categories.Add([plan, i % 50 == 0 ? null : random.Next(2) == 0 ? "paper" : "online"]);
        }
        return new TrainingTable(["tenure", "charge"], ["plan", "billing"], numbers, categories, labels);
    }

    [Fact]
    public void Too_few_positives_are_refused_with_the_numbers()
    {
        var table = new TrainingTable(["x"], [], Enumerable.Range(0, 500).Select(i => new[] { (double)i }).ToList(),
            Enumerable.Range(0, 500).Select(_ => Array.Empty<string?>()).ToList(), Enumerable.Range(0, 500).Select(i => i < 40).ToList());
        var error = Assert.Throws<TooFewExamplesException>(() => ChurnSweep.Run(table));
        Assert.Equal("The churn model cannot be trained on 500 rows with 40 positive and 460 negative labels: " +
            "it needs at least 100 positives and 100 negatives to cross-validate. " +
            "Widen the customer selection or the observation window, or check that the label is not constant.", error.Message);
        Assert.Equal((40, 460, 100, 100), (error.Positives, error.Negatives, error.MinimumPositives, error.MinimumNegatives));
    }

    [Fact]
    public void Same_data_and_seed_give_identical_trials_and_metrics()
    {
        var options = new SweepOptions { Seed = 5, Folds = 3, MaxTrials = 3, TimeBudget = TimeSpan.FromMinutes(5) };
        var first = ChurnSweep.Run(Synthetic(600, 1), options);
        var second = ChurnSweep.Run(Synthetic(600, 1), options);
        Assert.Equal(3, first.Trials.Count);
        Assert.Equal(first.Trials.Select(t => (t.Configuration, t.MeanAuc)), second.Trials.Select(t => (t.Configuration, t.MeanAuc)));
        Assert.Equal(first.Trials.SelectMany(t => t.FoldAuc), second.Trials.SelectMany(t => t.FoldAuc));
        Assert.Equal(first.Metrics with { Calibration = [] }, second.Metrics with { Calibration = [] });
        Assert.Equal(first.Metrics.Calibration, second.Metrics.Calibration);
        Assert.Equal(first.Calibration, second.Calibration);
        Assert.Equal(first.Importance, second.Importance);
        Assert.Equal(first.Model.Probabilities(Synthetic(50, 9)), second.Model.Probabilities(Synthetic(50, 9)));
        Assert.InRange(first.Best.MeanAuc, 0.7, 1.0);
        Assert.Equal(17, first.MissingNumeric["tenure"]);
    }

    [Fact]
    public void Importance_on_a_sample_of_held_out_rows_still_ranks_the_planted_drivers_first_and_is_reproducible()
    {
        var options = new SweepOptions { Seed = 3, Folds = 3, MaxTrials = 1, ImportanceRows = 120 };
        var sampled = ChurnSweep.Run(Synthetic(1200, 4), options);
        var again = ChurnSweep.Run(Synthetic(1200, 4), options);
        var full = ChurnSweep.Run(Synthetic(1200, 4), options with { ImportanceRows = 20_000 });

        Assert.Equal(sampled.Importance, again.Importance);
        Assert.NotEqual(full.Importance.Select(i => i.AucDrop), sampled.Importance.Select(i => i.AucDrop));
        // The two planted drivers (tenure and the monthly plan) lead, sampled or not.
        Assert.Equal(["plan", "tenure"], sampled.Importance.Take(2).Select(i => i.Column).Order());
        Assert.Equal(["plan", "tenure"], full.Importance.Take(2).Select(i => i.Column).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => ChurnSweep.Run(Synthetic(600, 1), options with { ImportanceRows = 5 }));
    }

    [Fact]
    public void The_budget_stops_early_but_always_runs_one_trial()
    {
        var result = ChurnSweep.Run(Synthetic(400, 2), new SweepOptions { Folds = 2, MaxTrials = 5, TimeBudget = TimeSpan.FromTicks(1) });
        Assert.Single(result.Trials);
        Assert.True(result.StoppedByBudget);
    }

    [Fact]
    public void Search_space_depends_only_on_seed_and_count_and_starts_with_the_linear_baseline()
    {
        var a = SearchSpace.Configurations(11, 9);
        Assert.Equal(a, SearchSpace.Configurations(11, 9));
        Assert.IsType<LogisticConfiguration>(a[0]);
        Assert.IsType<LightGbmConfiguration>(a[1]);
        Assert.IsType<FastTreeConfiguration>(a[2]);
        Assert.Equal(9, a.Distinct().Count());
    }

    [Fact]
    public void Stratified_folds_partition_the_rows_and_keep_the_label_rate()
    {
        var labels = Enumerable.Range(0, 103).Select(i => i % 4 == 0).ToArray();
        var folds = CrossValidation.StratifiedFolds(labels, 5, 1);
        Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => f).Order());
        Assert.All(folds, f => Assert.InRange(f.Count(r => labels[r]), 5, 6));
        Assert.Equal(folds, CrossValidation.StratifiedFolds(labels, 5, 1));
    }

    [Fact]
    public void Encoder_imputes_the_training_mean_with_an_indicator_and_ignores_unseen_categories()
    {
        var table = new TrainingTable(["x"], ["c"], [[1.0], [3.0], [double.NaN]], [["a"], ["b"], [null]], [true, false, true]);
        var encoder = FeatureEncoder.Fit(table, [0, 1, 2]);
        Assert.Equal(5, encoder.Length);
        Assert.Equal([2f, 1f, 1f, 0f, 0f], encoder.Encode([double.NaN], [""]));
        Assert.Equal([3f, 0f, 0f, 0f, 1f], encoder.Encode([3.0], ["b"]));
        Assert.Equal([3f, 0f, 0f, 0f, 0f], encoder.Encode([3.0], ["unseen"]));
    }

    [Fact]
    public void Tables_are_read_from_a_data_view()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(new[]
        {
            new Row { Age = 30, Plan = "a", Churned = true },
            new Row { Age = float.NaN, Plan = "b", Churned = false },
        });
        var table = TrainingTable.FromDataView(view, nameof(Row.Churned), [nameof(Row.Age)], [nameof(Row.Plan)]);
        Assert.Equal(2, table.Rows);
        Assert.Equal(1, table.MissingNumeric()["Age"]);
        Assert.Equal("b", table.Categorical[1][0]);
        var error = Assert.Throws<ArgumentException>(() => TrainingTable.FromDataView(view, "Label", [], ["Plan"]));
        Assert.Contains("no column 'Label'", error.Message, StringComparison.Ordinal);
    }

    private sealed class Row
    {
        public float Age { get; set; }
        public string Plan { get; set; } = "";
        public bool Churned { get; set; }
    }
}
