namespace Cdp.Ml.Segmentation;

/// <summary>
/// A numeric feature to segment on, and how a marketer reads it. <see cref="Label"/> names it in text ("value",
/// "recency"); <see cref="High"/> and <see cref="Low"/> are the words for a segment well above or well below the
/// average ("high value" / "low value"; for days since the last order, "lapsed" / "recently active").
/// <see cref="HigherIsBetter"/> says which end is the good one: segments are numbered best first on the primary
/// feature. <see cref="LogTransform"/> clusters on log(1 + x), for skewed money amounts and counts, whose values must
/// then be zero or more.
/// </summary>
public sealed record SegmentFeature(string Name, string Label, string High, string Low, bool HigherIsBetter = true, bool LogTransform = false)
{
    /// <summary>A feature where more is better, e.g. <c>SegmentFeature.Good("expected_value", "value", "high value", "low value", log: true)</c>.</summary>
    public static SegmentFeature Good(string name, string label, string high, string low, bool log = false)
        => new(name, label, high, low, HigherIsBetter: true, LogTransform: log);

    /// <summary>A feature where less is better, e.g. <c>SegmentFeature.Bad("recency_days", "recency", "lapsed", "recently active")</c>.</summary>
    public static SegmentFeature Bad(string name, string label, string high, string low, bool log = false)
        => new(name, label, high, low, HigherIsBetter: false, LogTransform: log);
}
