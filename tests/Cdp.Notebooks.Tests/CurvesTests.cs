using Cdp.Ml.Training;

namespace Cdp.Notebooks.Tests;

/// <summary>The curves the churn notebook draws agree with the metrics it prints.</summary>
public sealed class CurvesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_area_under_the_roc_polyline_is_the_tie_aware_auc(int seed)
    {
        var random = new Random(seed);
        // Scores rounded to one decimal so that many rows tie, labels loosely related to the score.
        var scores = Enumerable.Range(0, 400).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 0.2 + 0.6 * s).ToArray();

        var roc = Curves.Roc(scores, labels);

        Assert.Equal(BinaryMetrics.Auc(scores, labels), Curves.Area(roc), precision: 12);
        Assert.Equal(new CurvePoint(0, 0), roc[0]);
        Assert.Equal(new CurvePoint(1, 1), roc[^1]);
        Assert.Equal(scores.Distinct().Count() + 1, roc.Count);
        Assert.All(roc.Zip(roc.Skip(1)), p => Assert.True(p.Second.X >= p.First.X && p.Second.Y >= p.First.Y, "the curve never goes back"));
    }

    [Fact]
    public void A_perfect_ranking_reaches_the_top_left_corner()
    {
        var roc = Curves.Roc([0.9, 0.8, 0.3, 0.1], [true, true, false, false]);

        Assert.Contains(new CurvePoint(0, 1), roc);
        Assert.Equal(1.0, Curves.Area(roc), precision: 12);
    }

    [Fact]
    public void One_class_only_has_no_roc_curve()
        => Assert.Empty(Curves.Roc([0.2, 0.4], [true, true]));

    [Fact]
    public void Scores_and_labels_of_different_lengths_are_refused_with_both_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => Curves.Roc([0.1, 0.2, 0.3], [true, false]));

        Assert.Contains("3 scores but 2 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cumulative_lift_matches_the_metric_at_each_share_and_ends_at_one()
    {
        var random = new Random(7);
        var scores = Enumerable.Range(0, 200).Select(_ => random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s).ToArray();

        var lift = Curves.Lift(scores, labels, steps: 10);

        Assert.Equal(10, lift.Count);
        Assert.Equal(BinaryMetrics.Lift(scores, labels, 0.1), lift[0].Y, precision: 12);
        Assert.Equal(0.1, lift[0].X, precision: 12);
        Assert.Equal(1.0, lift[^1].Y, precision: 12);
        Assert.True(lift[0].Y > 1.2, $"scores that predict the label lift the top decile (got {lift[0].Y:F2})");
    }
}
