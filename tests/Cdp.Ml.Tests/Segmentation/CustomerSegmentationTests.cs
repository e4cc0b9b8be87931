using System.Globalization;
using Cdp.Ml.Segmentation;
using Xunit.Abstractions;

namespace Cdp.Ml.Tests.Segmentation;

public sealed class CustomerSegmentationTests(ITestOutputHelper output)
{
    private static readonly SegmentationOptions FourSegments = new() { Seed = 7, Segments = 4 };

    [Fact]
    public void Planted_groups_are_recovered_and_described_by_their_traits()
    {
        var (persons, groups) = PlantedSegments.Generate(seed: 1);
        var result = CustomerSegmentation.Run(persons, FourSegments);
        Print(result);

        var found = result.Assignments.Select(a => a.Segment).ToArray();
        Assert.InRange(PlantedSegments.AdjustedRandIndex(groups, found), 0.95, 1.0);
        Assert.Equal(persons.PersonIds, result.Assignments.Select(a => a.PersonId));
        Assert.Equal([1, 2, 3, 4], result.Segments.Select(s => s.Number));
        Assert.Equal(persons.Rows, result.Segments.Sum(s => s.Size));
        Assert.Equal(1.0, result.Segments.Sum(s => s.Share), 9);
        Assert.Equal(result.Segments.Count, result.Segments.Select(s => s.Description).Distinct().Count());
        Assert.Equal(result.Segments.Count, result.Segments.Select(s => s.Name).Distinct().Count());
        Assert.Empty(result.Notes);

        var champions = SegmentOf(result, groups, 0);
        var lapsed = SegmentOf(result, groups, 1);
        var newcomers = SegmentOf(result, groups, 2);
        var atRisk = SegmentOf(result, groups, 3);
        // Ordered best first by the primary feature (expected value): champions, then the high-value customers at risk.
        Assert.Equal(1, champions.Number);
        Assert.Equal(2, atRisk.Number);
        Assert.Equal(4, lapsed.Number);
        Assert.Contains("high value", champions.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("lapsed", lapsed.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("low value", lapsed.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("engaged by email", newcomers.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("likely to churn", atRisk.Description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("low value", champions.Description, StringComparison.OrdinalIgnoreCase);

        // Centroids are medians in original units: close to the planted centres, not z-scores or logarithms.
        Assert.InRange(champions.Centroid["expected_value"], 2500, 3500);
        Assert.InRange(lapsed.Centroid["recency_days"], 320, 400);
        Assert.Equal(1, lapsed.Centroid["frequency"]);
        Assert.InRange(newcomers.Centroid["email_engagement"], 0.85, 0.95);
        Assert.True(champions.ZScores["expected_value"] > 0.5 && lapsed.ZScores["expected_value"] < -0.5);
        Assert.All(result.Segments, s => Assert.InRange(s.Traits.Count, 1, 3));
    }

    [Fact]
    public void Silhouette_picks_the_planted_number_of_segments()
    {
        var (persons, groups) = PlantedSegments.Generate(seed: 2);
        var result = CustomerSegmentation.Run(persons, new SegmentationOptions { Seed = 3, MinimumSegments = 2, MaximumSegments = 7 });
        foreach (var score in result.Scores)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"k={score.Segments} silhouette={score.Silhouette:F4} wss={score.WithinSumOfSquares:F1}"));

        Assert.Equal([2, 3, 4, 5, 6, 7], result.Scores.Select(s => s.Segments));
        Assert.Equal(4, result.Segments.Count);
        Assert.Equal(result.Scores.Max(s => s.Silhouette), result.Scores.Single(s => s.Segments == 4).Silhouette);
        Assert.InRange(PlantedSegments.AdjustedRandIndex(groups, result.Assignments.Select(a => a.Segment).ToArray()), 0.95, 1.0);
    }

    [Fact]
    public void Same_input_and_seed_give_the_same_segments()
    {
        var options = new SegmentationOptions { Seed = 11, MinimumSegments = 3, MaximumSegments = 5 };
        var first = CustomerSegmentation.Run(PlantedSegments.Generate(seed: 4).Persons, options);
        var second = CustomerSegmentation.Run(PlantedSegments.Generate(seed: 4).Persons, options);

        Assert.Equal(first.Assignments, second.Assignments);
        Assert.Equal(first.Scores, second.Scores);
        Assert.Equal(first.Segments.Select(s => (s.Number, s.Name, s.Description, s.Size)), second.Segments.Select(s => (s.Number, s.Name, s.Description, s.Size)));
        Assert.Equal(first.Segments.SelectMany(s => s.Centroid.Values), second.Segments.SelectMany(s => s.Centroid.Values));
        Assert.Equal(first.Segments.SelectMany(s => s.Traits), second.Segments.SelectMany(s => s.Traits));
    }

    [Fact]
    public void A_constant_or_empty_feature_is_left_out_with_a_note()
    {
        var (planted, groups) = PlantedSegments.Generate(seed: 5);
        var features = planted.Features.Append(SegmentFeature.Good("country", "country", "abroad", "domestic"))
            .Append(SegmentFeature.Good("app_share", "app share", "app users", "web users")).ToArray();
        var values = planted.Values.Select((row, r) => row.Append(r % 10 == 0 ? double.NaN : 33).Append(double.NaN).ToArray()).ToArray();
        var result = CustomerSegmentation.Run(new PersonFeatures(planted.PersonIds, features, values), FourSegments);

        Assert.Equal(planted.Features.Select(f => f.Name), result.Features);
        Assert.Equal(
            ["'country' was left out: it is 33 for every person (after filling missing values with the median).",
             "'app_share' was left out: every person is missing it."],
            result.Notes);
        Assert.All(result.Segments, s => Assert.False(s.Centroid.ContainsKey("country")));
        Assert.InRange(PlantedSegments.AdjustedRandIndex(groups, result.Assignments.Select(a => a.Segment).ToArray()), 0.95, 1.0);
    }

    [Fact]
    public void The_primary_feature_sets_the_order_and_knows_which_end_is_good()
    {
        var (persons, groups) = PlantedSegments.Generate(seed: 6);
        var byChurn = CustomerSegmentation.Run(persons, FourSegments with { PrimaryFeature = "churn_probability" });

        Assert.Equal("churn_probability", byChurn.PrimaryFeature);
        // Lower churn is better, so the loyal champions come first and the lapsed one-time buyers last.
        Assert.Equal(1, SegmentOf(byChurn, groups, 0).Number);
        Assert.Equal(4, SegmentOf(byChurn, groups, 1).Number);
        var z = byChurn.Segments.Select(s => s.ZScores["churn_probability"]).ToArray();
        Assert.Equal(z.Order(), z);
    }

    [Fact]
    public void Missing_values_take_the_median_before_the_log_and_the_z_score()
    {
        var features = new[] { SegmentFeature.Good("spend", "spend", "big spenders", "small spenders", log: true), SegmentFeature.Good("visits", "visits", "regulars", "rare visitors") };
        var persons = new PersonFeatures([1, 2, 3, 4], features, [[0, 1], [double.NaN, 2], [3, double.NaN], [8, 5]]);
        var scaling = FeatureScaling.Of(persons);

        // spend: median of 0, 3, 8 is 3; log1p gives 0, ln 4, ln 4, ln 9. visits: median of 1, 2, 5 is 2.
        var spend = new[] { 0, Math.Log(4), Math.Log(4), Math.Log(9) };
        var visits = new[] { 1.0, 2, 2, 5 };
        Assert.Equal(Standardise(spend), Enumerable.Range(0, 4).Select(r => scaling.Row(r)[0]), new Tolerance(1e-12));
        Assert.Equal(Standardise(visits), Enumerable.Range(0, 4).Select(r => scaling.Row(r)[1]), new Tolerance(1e-12));
    }

    [Fact]
    public void Silhouette_of_two_tight_far_apart_groups_is_near_one_and_of_a_bad_split_is_low()
    {
        var features = new[] { SegmentFeature.Good("x", "x", "high x", "low x") };
        var persons = new PersonFeatures([1, 2, 3, 4, 5, 6], features, [[0], [0.1], [0.2], [10], [10.1], [10.2]]);
        var scaling = FeatureScaling.Of(persons);
        var sample = Silhouette.Sample(6, 100, 1);

        Assert.InRange(Silhouette.Mean(scaling, [0, 0, 0, 1, 1, 1], 2, sample), 0.97, 1.0);
        Assert.InRange(Silhouette.Mean(scaling, [0, 1, 0, 1, 0, 1], 2, sample), -1.0, 0.0);
        Assert.Equal(Silhouette.Sample(1000, 50, 9), Silhouette.Sample(1000, 50, 9));
        Assert.Equal(50, Silhouette.Sample(1000, 50, 9).Distinct().Count());
    }

    private static double[] Standardise(double[] values)
    {
        var mean = values.Average();
        var deviation = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        return values.Select(v => (v - mean) / deviation).ToArray();
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>The segment holding most of a planted group.</summary>
    private static Segment SegmentOf(SegmentationResult result, int[] groups, int group)
    {
        var number = result.Assignments.Where((_, r) => groups[r] == group).GroupBy(a => a.Segment)
            .OrderByDescending(g => g.Count()).First().Key;
        return result.Segments.Single(s => s.Number == number);
    }

    private void Print(SegmentationResult result)
    {
        foreach (var s in result.Segments)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Number} [{s.Name}] {s.Description}: {s.Size} ({s.Share:P1}) {string.Join(", ", s.Centroid.Select(p => $"{p.Key}={p.Value:G4}"))} | z {string.Join(", ", s.ZScores.Select(p => $"{p.Key}={p.Value:F2}"))}"));
    }
}
