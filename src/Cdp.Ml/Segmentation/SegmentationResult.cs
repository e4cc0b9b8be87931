namespace Cdp.Ml.Segmentation;

/// <summary>
/// A feature that sets a segment apart: its mean z-score in the segment (on the scale k-means saw: imputed,
/// log-transformed if declared, standardised) and the words that describe it ("high value", "somewhat lapsed").
/// </summary>
public sealed record SegmentTrait(string Feature, double ZScore, string Words);

/// <summary>
/// One segment. <see cref="Number"/> runs from 1, best first on the primary feature. <see cref="Centroid"/> is
/// the per-feature median of the members' known values in original units (NaN when every member misses the
/// feature); <see cref="ZScores"/> the per-feature mean z-score of the members. <see cref="Description"/> lists the
/// most distinctive traits and is unique within a result; <see cref="Name"/> is its first two traits when those are
/// unique too, else the description.
/// </summary>
public sealed record Segment(
    int Number,
    string Name,
    string Description,
    int Size,
    double Share,
    IReadOnlyDictionary<string, double> Centroid,
    IReadOnlyDictionary<string, double> ZScores,
    IReadOnlyList<SegmentTrait> Traits);

/// <summary>The segment of one person (a <see cref="Segment.Number"/>).</summary>
public readonly record struct SegmentAssignment(long PersonId, int Segment);

/// <summary>
/// One segment count that was fitted: its mean silhouette on the seeded sample (from -1 to 1, higher = tighter and
/// better separated segments) and the within-segment sum of squared distances in z-score units.
/// </summary>
public sealed record SegmentCountScore(int Segments, double Silhouette, double WithinSumOfSquares);

/// <summary>
/// The outcome of a segmentation. <see cref="Assignments"/> are in input row order. <see cref="Features"/> are the
/// features clustered on (constant or entirely missing features are left out, each with a line in
/// <see cref="Notes"/>). <see cref="Scores"/> holds every segment count fitted, the chosen one marked by
/// <see cref="Segments"/>' count (when <see cref="SegmentationOptions.Segments"/> fixes it, there is one entry).
/// </summary>
public sealed record SegmentationResult(
    IReadOnlyList<Segment> Segments,
    IReadOnlyList<SegmentAssignment> Assignments,
    IReadOnlyList<string> Features,
    string PrimaryFeature,
    IReadOnlyList<SegmentCountScore> Scores,
    IReadOnlyList<string> Notes);
