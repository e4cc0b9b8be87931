namespace Cdp.Ml.Segmentation;

/// <summary>
/// How a segmentation runs. <see cref="Segments"/> fixes the number of segments; left null, every count from
/// <see cref="MinimumSegments"/> to <see cref="MaximumSegments"/> is fitted and the one with the highest mean
/// silhouette on a seeded sample of <see cref="SilhouetteSample"/> persons wins (the smaller count on a tie).
/// Each fit is the best (lowest within-segment sum of squares) of <see cref="Restarts"/> seeded k-means++ runs.
/// A feature enters a description when its segment mean is at least <see cref="DistinctiveZ"/> standard deviations
/// from the overall mean; at most <see cref="MaximumTraits"/> of them. <see cref="PrimaryFeature"/> (default: the
/// first feature) orders the segments, best first.
/// </summary>
public sealed record SegmentationOptions
{
    public int Seed { get; init; } = 42;
    public int? Segments { get; init; }
    public int MinimumSegments { get; init; } = 3;
    public int MaximumSegments { get; init; } = 8;
    public int SilhouetteSample { get; init; } = 2000;
    public int Restarts { get; init; } = 3;
    public int MaximumIterations { get; init; } = 100;
    public string? PrimaryFeature { get; init; }
    public double DistinctiveZ { get; init; } = 0.5;
    public int MaximumTraits { get; init; } = 3;

    internal void Validate()
    {
        if (Segments is < 2) throw SegmentationErrors.BadOption(nameof(Segments), Segments, "at least 2 (or null to choose it)");
        if (MinimumSegments < 2) throw SegmentationErrors.BadOption(nameof(MinimumSegments), MinimumSegments, "at least 2");
        if (MaximumSegments < MinimumSegments) throw SegmentationErrors.BadOption(nameof(MaximumSegments), MaximumSegments, $"at least {nameof(MinimumSegments)} ({MinimumSegments})");
        if (SilhouetteSample < 10) throw SegmentationErrors.BadOption(nameof(SilhouetteSample), SilhouetteSample, "at least 10");
        if (Restarts < 1) throw SegmentationErrors.BadOption(nameof(Restarts), Restarts, "at least 1");
        if (MaximumIterations < 1) throw SegmentationErrors.BadOption(nameof(MaximumIterations), MaximumIterations, "at least 1");
        if (!(DistinctiveZ > 0) || double.IsInfinity(DistinctiveZ)) throw SegmentationErrors.BadOption(nameof(DistinctiveZ), DistinctiveZ, "a positive number");
        if (MaximumTraits < 1) throw SegmentationErrors.BadOption(nameof(MaximumTraits), MaximumTraits, "at least 1");
    }

    /// <summary>The segment counts to fit, smallest first.</summary>
    internal IReadOnlyList<int> Candidates()
        => Segments is { } k ? [k] : Enumerable.Range(MinimumSegments, MaximumSegments - MinimumSegments + 1).ToArray();
}
