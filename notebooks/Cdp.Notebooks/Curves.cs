using Cdp.Ml.Training;

namespace Cdp.Notebooks;

/// <summary>A point of a curve in chart coordinates.</summary>
public sealed record CurvePoint(double X, double Y);

/// <summary>The evaluation curves of a scored, labelled set, for drawing; the figures themselves come from <see cref="BinaryMetrics"/>.</summary>
public static class Curves
{
    /// <summary>
    /// The ROC curve: (false positive rate, true positive rate) at every distinct score, highest first, from (0, 0) to
    /// (1, 1). Tied scores are one threshold (one diagonal step), so the area under the polyline is the tie-aware AUC
    /// of <see cref="BinaryMetrics.Auc"/>. Empty when the labels hold only one class.
    /// </summary>
    public static IReadOnlyList<CurvePoint> Roc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        CheckAligned(scores, labels);
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return [];
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<CurvePoint> { new(0, 0) };
        var (truePositives, falsePositives) = (0, 0);
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end < order.Length && scores[order[end]].Equals(scores[order[start]]))
            {
                if (labels[order[end]]) truePositives++;
                else falsePositives++;
                end++;
            }
            points.Add(new CurvePoint((double)falsePositives / negatives, (double)truePositives / positives));
            start = end;
        }
        return points;
    }

    /// <summary>
    /// Cumulative lift: for the top 1/<paramref name="steps"/>, 2/<paramref name="steps"/>, ... 100% of scores, the
    /// positive rate among them over the overall rate (<see cref="BinaryMetrics.Lift"/>); 1 everywhere is a random order.
    /// </summary>
    public static IReadOnlyList<CurvePoint> Lift(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, int steps = 20)
    {
        CheckAligned(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (scores.Count == 0 || !labels.Contains(true)) return [];
        return Enumerable.Range(1, steps)
            .Select(k => (double)k / steps)
            .Select(fraction => new CurvePoint(fraction, BinaryMetrics.Lift(scores, labels, fraction)))
            .ToList();
    }

    /// <summary>Area under a polyline by trapezoids, for checking a curve against the metric it draws.</summary>
    public static double Area(IReadOnlyList<CurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        double area = 0;
        for (var i = 1; i < points.Count; i++)
            area += (points[i].X - points[i - 1].X) * (points[i].Y + points[i - 1].Y) / 2;
        return area;
    }

    private static void CheckAligned(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
            throw new ArgumentException($"There are {scores.Count} scores but {labels.Count} labels; give one score per labelled row.", nameof(labels));
    }
}
