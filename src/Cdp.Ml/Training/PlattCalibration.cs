namespace Cdp.Ml.Training;

/// <summary>
/// Platt scaling: P(label | score) = 1 / (1 + exp(-(A·score + B))), fitted by Newton's method on the log-likelihood
/// with Platt's smoothed targets ((n₊ + 1)/(n₊ + 2) and 1/(n₋ + 2)), which keeps A and B finite on separable scores.
/// </summary>
public sealed record PlattCalibration(double A, double B)
{
    public double Probability(double score) => 1 / (1 + Math.Exp(-(A * score + B)));

    public static PlattCalibration Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        var high = (positives + 1.0) / (positives + 2.0);
        var low = 1.0 / (negatives + 2.0);
        double a = 0, b = Math.Log((positives + 1.0) / (negatives + 1.0));
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (var i = 0; i < scores.Count; i++)
            {
                var p = 1 / (1 + Math.Exp(-(a * scores[i] + b)));
                var residual = p - (labels[i] ? high : low);
                var weight = p * (1 - p);
                ga += residual * scores[i];
                gb += residual;
                haa += weight * scores[i] * scores[i];
                hab += weight * scores[i];
                hbb += weight;
            }
            var determinant = haa * hbb - hab * hab;
            if (determinant <= 0) break;
            var da = (hbb * ga - hab * gb) / determinant;
            var db = (haa * gb - hab * ga) / determinant;
            a -= da;
            b -= db;
            if (Math.Abs(da) < 1e-10 && Math.Abs(db) < 1e-10) break;
        }
        return new PlattCalibration(a, b);
    }
}
