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
    public void Group_folds_keep_each_person_in_one_fold_and_share_out_positive_people()
    {
        // 200 people, 1 to 3 rows each (one per cutoff); a person's label may change between cutoffs.
        var groups = new List<long>();
        var labels = new List<bool>();
        for (var person = 0; person < 200; person++)
        {
            for (var cutoff = 0; cutoff <= person % 3; cutoff++)
            {
                groups.Add(1000 + person);
                labels.Add(person % 5 == 0 && cutoff == person % 3);
            }
        }
        var folds = CrossValidation.StratifiedGroupFolds(labels, groups, 5, 7);
        Assert.Equal(Enumerable.Range(0, labels.Count), folds.SelectMany(f => f).Order());
        Assert.All(groups.Distinct(), person => Assert.Single(folds, f => f.Any(r => groups[r] == person)));
        // 40 positive people: 8 to a fold.
        Assert.All(folds, f => Assert.Equal(8, f.Where(r => labels[r]).Select(r => groups[r]).Distinct().Count()));
        Assert.Equal(folds, CrossValidation.StratifiedGroupFolds(labels, groups, 5, 7));
        Assert.NotEqual(folds, CrossValidation.StratifiedGroupFolds(labels, groups, 5, 8));
    }

    [Fact]
    public void Too_few_positive_people_for_the_folds_are_refused_with_the_numbers()
    {
        // Three positive rows, but all of one person: no five folds can each hold a positive.
        var labels = Enumerable.Range(0, 50).Select(i => i < 3).ToArray();
        var groups = Enumerable.Range(0, 50).Select(i => i < 3 ? 1L : i).ToArray();
        var error = Assert.Throws<TooFewExamplesException>(() => CrossValidation.StratifiedGroupFolds(labels, groups, 5, 1));
        Assert.Contains("1 people have a positive label", error.Message, StringComparison.Ordinal);
        Assert.Contains("5 folds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grouped_cross_validation_does_not_score_people_it_trained_on()
    {
        // Labels are noise, but each person appears three times with the same features and label: row folds let a
        // model recognise people it trained on and score above chance; group folds see only new people.
        var random = new Random(3);
        var numbers = new List<double[]>();
        var categories = new List<string?[]>();
        var labels = new List<bool>();
        var groups = new List<long>();
        for (var person = 0; person < 400; person++)
        {
            double[] features = [random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble()];
            var label = random.NextDouble() < 0.3;
            for (var copy = 0; copy < 3; copy++)
            {
                numbers.Add(features);
                categories.Add([]);
                labels.Add(label);
                groups.Add(person);
            }
        }
        var table = new TrainingTable(["a", "b", "c", "d"], [], numbers, categories, labels);
        var options = new SweepOptions { Seed = 1, Folds = 3, MaxTrials = 3 };
        var byRow = ChurnSweep.Run(table, options);
        var byPerson = ChurnSweep.Run(table.GroupedBy(groups), options);
        Assert.True(byRow.Best.MeanAuc > 0.65, $"row folds: {byRow.Best.MeanAuc}");
        Assert.InRange(byPerson.Best.MeanAuc, 0.35, 0.62);
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
