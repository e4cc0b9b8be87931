using Cdp.Ml.Segmentation;

namespace Cdp.Ml.Tests.Segmentation;

/// <summary>Bad input is refused before any work, with a message naming what is wrong, where, and how to fix it.</summary>
public class SegmentationInputTests
{
    private static readonly SegmentFeature Value = SegmentFeature.Good("expected_value", "value", "high value", "low value", log: true);
    private static readonly SegmentFeature Recency = SegmentFeature.Bad("recency_days", "recency", "lapsed", "recently active");

    private static PersonFeatures Persons(int rows)
        => new(Enumerable.Range(0, rows).Select(i => (long)i).ToArray(), [Value, Recency],
            Enumerable.Range(0, rows).Select(i => new[] { i * 10.0, 100.0 - i }).ToArray());

    [Fact]
    public void Fewer_persons_than_segments_is_refused()
    {
        var fixedK = Assert.Throws<ArgumentException>(() => CustomerSegmentation.Run(Persons(3), new SegmentationOptions { Segments = 4 }));
        Assert.Equal("3 persons cannot be split into 4 segments: lower Segments to at most 3, or segment more persons.", fixedK.Message);
        var range = Assert.Throws<ArgumentException>(() => CustomerSegmentation.Run(Persons(5)));
        Assert.Equal("5 persons cannot be split into 8 segments: lower MaximumSegments to at most 5, or segment more persons.", range.Message);
    }

    [Fact]
    public void No_features_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new PersonFeatures([1, 2], [], [[], []]));
        Assert.StartsWith("There are no features to segment on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ragged_input_is_refused_naming_the_row_and_person()
    {
        var counts = Assert.Throws<ArgumentException>(() => new PersonFeatures([1, 2, 3], [Value, Recency], [[1, 2], [3, 4]]));
        Assert.Equal("The segmentation input has 3 person ids but 2 rows of values: give one row per person.", counts.Message);
        var row = Assert.Throws<ArgumentException>(() => new PersonFeatures([1, 2], [Value, Recency], [[1, 2], [3]]));
        Assert.Equal("Row 1 (person 2) has 1 values, but 2 features are declared: give one value per feature, NaN when missing.", row.Message);
    }

    [Fact]
    public void Duplicate_persons_and_features_are_refused()
    {
        var person = Assert.Throws<ArgumentException>(() => new PersonFeatures([7, 8, 7], [Value], [[1], [2], [3]]));
        Assert.Equal("Person 7 appears twice (rows 0 and 2): give each person one row.", person.Message);
        var feature = Assert.Throws<ArgumentException>(() => new PersonFeatures([1], [Value, Value], [[1, 2]]));
        Assert.Equal("The feature 'expected_value' is declared twice: give each feature one column.", feature.Message);
        var words = Assert.Throws<ArgumentException>(() => new PersonFeatures([1], [Value with { Low = " " }], [[1]]));
        Assert.Contains("'expected_value' needs a name, a label and words for high and low values", words.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infinite_values_and_negative_values_of_a_log_feature_are_refused()
    {
        var infinite = Assert.Throws<ArgumentException>(() => new PersonFeatures([1, 2], [Value, Recency], [[1, 2], [3, double.PositiveInfinity]]));
        Assert.Equal("Person 2 (row 1) has recency_days = Infinity: use NaN for a missing value, and cap or correct extreme ones.", infinite.Message);
        var negative = Assert.Throws<ArgumentException>(() => new PersonFeatures([1, 2], [Value, Recency], [[-5, 2], [3, 4]]));
        Assert.StartsWith("Person 1 (row 0) has expected_value = -5, but 'expected_value' is log-transformed", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_cluster_when_every_feature_is_constant()
    {
        var persons = new PersonFeatures([1, 2, 3, 4], [Value, Recency], [[5, 1], [5, 1], [double.NaN, 1], [5, double.NaN]]);
        var error = Assert.Throws<ArgumentException>(() => CustomerSegmentation.Run(persons, new SegmentationOptions { Segments = 2 }));
        Assert.Equal("No feature varies between persons, so there is nothing to segment on: " +
            "'expected_value' was left out: it is 5 for every person (after filling missing values with the median). " +
            "'recency_days' was left out: it is 1 for every person (after filling missing values with the median).", error.Message);
    }

    [Fact]
    public void An_unknown_primary_feature_and_bad_options_are_refused()
    {
        var primary = Assert.Throws<ArgumentException>(() => CustomerSegmentation.Run(Persons(20), new SegmentationOptions { Segments = 2, PrimaryFeature = "value" }));
        Assert.Equal("The primary feature 'value' is not one of the features: expected_value, recency_days.", primary.Message);
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerSegmentation.Run(Persons(20), new SegmentationOptions { Segments = 1 }));
        Assert.Equal("Segments", k.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerSegmentation.Run(Persons(20), new SegmentationOptions { MinimumSegments = 5, MaximumSegments = 4 }));
        Assert.Equal("MaximumSegments", range.ParamName);
    }

    [Fact]
    public void Fewer_distinct_persons_than_segments_is_refused_or_narrows_the_range()
    {
        var persons = new PersonFeatures([1, 2, 3, 4, 5, 6], [Value, Recency], [[1, 10], [1, 10], [1, 10], [50, 300], [50, 300], [50, 300]]);
        var error = Assert.Throws<ArgumentException>(() => CustomerSegmentation.Run(persons, new SegmentationOptions { Segments = 3 }));
        Assert.Equal("The persons have only 2 distinct combinations of feature values, too few for 3 segments: lower Segments to at most 2, or add features that tell persons apart.", error.Message);

        var result = CustomerSegmentation.Run(persons, new SegmentationOptions { MinimumSegments = 2, MaximumSegments = 4 });
        Assert.Equal([2], result.Scores.Select(s => s.Segments));
        // The persons with the higher expected value (the primary feature) are segment 1.
        Assert.Equal([2, 2, 2, 1, 1, 1], result.Assignments.Select(a => a.Segment));
        Assert.Equal(["The persons have only 2 distinct combinations of feature values, so no more than 2 segments were tried."], result.Notes);
    }
}
