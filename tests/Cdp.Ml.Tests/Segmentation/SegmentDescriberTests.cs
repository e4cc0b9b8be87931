using Cdp.Ml.Segmentation;

namespace Cdp.Ml.Tests.Segmentation;

public class SegmentDescriberTests
{
    private static readonly SegmentFeature[] Features = PlantedSegments.Features;

    private static IReadOnlyList<SegmentText> Describe(params double[][] z) => SegmentDescriber.Describe(Features, z, 0.5, 3);

    [Fact]
    public void Traits_are_the_most_distinctive_features_in_the_declared_words()
    {
        // value, recency days, frequency, email, churn
        var texts = Describe([1.2, -0.9, 1.5, 0.1, -0.3], [-1.4, 1.6, -1.1, -0.2, 1.3]);

        Assert.Equal("Frequent, high value, recently active", texts[0].Description);
        Assert.Equal("Frequent, high value", texts[0].Name);
        Assert.Equal(["frequency", "expected_value", "recency_days"], texts[0].Traits.Select(t => t.Feature));
        Assert.Equal("Lapsed, low value, likely to churn", texts[1].Description);
        Assert.Equal(1.6, texts[1].Traits[0].ZScore);
    }

    [Fact]
    public void Segments_that_would_read_the_same_get_a_qualifier()
    {
        // Both high value and frequent; they differ only in weaker features.
        var texts = Describe([1.5, 0.1, 1.0, 0.3, 0.0], [1.4, -0.2, 0.9, -0.1, 0.05]);

        Assert.Equal("High value, frequent, somewhat engaged by email", texts[0].Description);
        Assert.Equal("High value, frequent, somewhat recently active", texts[1].Description);
        Assert.Equal("somewhat engaged by email", texts[0].Traits[^1].Words);
        // The two-trait short name would clash too, so the name is the whole description.
        Assert.Equal(texts[0].Description, texts[0].Name);
    }

    [Fact]
    public void Average_segments_say_so_and_stay_distinct()
    {
        var texts = Describe([0.2, 0.05, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [-0.01, 0.0, 0.02, 0.0, 0.0], [2, 0, 0, 0, 0]);

        Assert.Equal("Near average: somewhat high value", texts[0].Description);
        Assert.Equal("Near average (segment 2)", texts[1].Description);
        Assert.Equal("Near average (segment 3)", texts[2].Description);
        Assert.Equal("High value", texts[3].Description);
        Assert.Equal(4, texts.Select(t => t.Description).Distinct().Count());
        Assert.Equal(4, texts.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void At_most_the_requested_number_of_traits_unless_needed_to_tell_segments_apart()
    {
        var one = SegmentDescriber.Describe(Features, [[2, 1.5, 1.2, 1.1, 1.0], [-2, 1.5, 1.2, 1.1, 1.0]], 0.5, 1);
        Assert.Equal("High value", one[0].Description);
        Assert.Equal("Low value", one[1].Description);
    }
}
