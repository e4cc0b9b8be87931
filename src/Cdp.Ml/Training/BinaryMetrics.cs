namespace Cdp.Ml.Training;

/// <summary>One bin of a calibration table: predictions in [Lower, Upper) (the last bin includes 1).</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, int Positives, double MeanPredicted, double ObservedRate);

/// <summary>
/// Quality of probabilities against labels. Auc is the area under the ROC curve (ties count one half);
/// PrAuc is average precision (the step-wise area under the precision-recall curve); LogLoss uses natural logarithms;
/// TopDecileLift is the positive rate among the 10% highest scores over the overall positive rate.
/// </summary>
public sealed record ModelMetrics(double Auc, double PrAuc, double LogLoss, double Brier, double TopDecileLift, IReadOnlyList<CalibrationBin> Calibration)
{
    public static ModelMetrics Of(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
        => new(BinaryMetrics.Auc(probabilities, labels), BinaryMetrics.AveragePrecision(probabilities, labels),
            BinaryMetrics.LogLoss(probabilities, labels), BinaryMetrics.Brier(probabilities, labels),
            BinaryMetrics.Lift(probabilities, labels, 0.1), BinaryMetrics.CalibrationTable(probabilities, labels, 10));
}

/// <summary>Binary-classification metrics written here so they are exact, tie-aware and independent of any trainer.</summary>
public static class BinaryMetrics
{
    /// <summary>Mann-Whitney form: the chance a random positive scores above a random negative, ties counting one half.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
                if (labels[order[k]]) { positiveRankSum += averageRank; positives++; }
            start = end + 1;
        }
        var negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Σ (recall step) × precision, taking tied scores together as one threshold.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var totalPositives = labels.Count(l => l);
        if (totalPositives == 0) return double.NaN;
        double area = 0;
        var truePositives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            var newPositives = 0;
            while (true)
            {
                if (labels[order[end]]) newPositives++;
                if (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
                else break;
            }
            truePositives += newPositives;
            area += (double)newPositives / totalPositives * truePositives / (end + 1);
            start = end + 1;
        }
        return area;
    }

    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        const double epsilon = 1e-15;
        double sum = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], epsilon, 1 - epsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Count;
    }

    public static double Brier(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
        => Enumerable.Range(0, probabilities.Count).Average(i => Math.Pow(probabilities[i] - (labels[i] ? 1 : 0), 2));

    /// <summary>
    /// Positive rate among the top ⌈fraction·n⌉ scores over the overall positive rate. Ties at the cut are broken
    /// by row order, so the result is deterministic.
    /// </summary>
    public static double Lift(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double fraction)
    {
        var take = (int)Math.Ceiling(fraction * scores.Count - 1e-9);
        var top = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(take);
        var overall = (double)labels.Count(l => l) / labels.Count;
        return overall == 0 ? double.NaN : top.Count(i => labels[i]) / (double)take / overall;
    }

    /// <summary>Equal-width bins over [0, 1]; empty bins are kept with NaN means so the table always has <paramref name="bins"/> rows.</summary>
    public static IReadOnlyList<CalibrationBin> CalibrationTable(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels, int bins)
    {
        var count = new int[bins];
        var positives = new int[bins];
        var sum = new double[bins];
        for (var i = 0; i < probabilities.Count; i++)
        {
            var b = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            count[b]++;
            sum[b] += probabilities[i];
            if (labels[i]) positives[b]++;
        }
        return Enumerable.Range(0, bins)
            .Select(b => new CalibrationBin((double)b / bins, (double)(b + 1) / bins, count[b], positives[b],
                count[b] == 0 ? double.NaN : sum[b] / count[b], count[b] == 0 ? double.NaN : (double)positives[b] / count[b]))
            .ToList();
    }
}
