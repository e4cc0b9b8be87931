namespace Cdp.Ml.Btyd;

/// <summary>
/// The special functions the BTYD likelihoods need: the log-gamma function and the Gaussian hypergeometric series
/// ₂F₁(a, b; c; z). Both are written here so the library has no numerical dependency.
/// </summary>
internal static class SpecialFunctions
{
    // Lanczos coefficients for g = 7, n = 9 (Godfrey); relative error below 1e-15 for Re(x) > 0.5.
    private const double LanczosG = 7.0;

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>ln Γ(x) for x &gt; 0 (the likelihoods only need positive arguments).</summary>
    public static double LogGamma(double x)
    {
        if (double.IsNaN(x) || x <= 0) return double.NaN;
        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1 − x) = π / sin(πx), positive for 0 < x < 1.
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }
        var y = x - 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (y + i);
        var t = y + LanczosG + 0.5;
        return HalfLogTwoPi + (y + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>ln(eᵃ + eᵇ) without overflow; either side may be −∞.</summary>
    public static double LogSumExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        var max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    /// <summary>The most terms <see cref="Hypergeometric2F1"/> sums before it gives up.</summary>
    public const int MaxSeriesTerms = 200_000;

    /// <summary>
    /// ₂F₁(a, b; c; z) = Σₖ (a)ₖ (b)ₖ / (c)ₖ · zᵏ / k! for |z| &lt; 1 and c not a non-positive integer.
    /// Sums until the remaining tail is provably below a relative 1e-15 of the sum: once the ratio of consecutive
    /// terms has settled below 1 in magnitude, the tail is bounded by the geometric series |tₖ| ρ / (1 − ρ).
    /// Returns NaN when the series does not converge within <see cref="MaxSeriesTerms"/> terms, so a likelihood
    /// evaluated at an extreme trial point is rejected by the optimiser instead of returning a wrong value.
    /// </summary>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (double.IsNaN(z) || Math.Abs(z) >= 1) return double.NaN;
        if (c <= 0 && c == Math.Floor(c)) return double.NaN;
        if (z == 0) return 1;
        var term = 1.0;
        var sum = 1.0;
        for (var k = 0; k < MaxSeriesTerms; k++)
        {
            var ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            if (term == 0) return sum;
            // The ratio tends to z from here on once k is past the parameters; bound the tail geometrically with the
            // larger of the current ratio and |z| so a still-growing ratio never stops the sum early.
            if (k + 1 > Math.Abs(a) + Math.Abs(b) + Math.Abs(c))
            {
                var rho = Math.Max(Math.Abs(ratio), Math.Abs(z));
                if (rho < 1 && Math.Abs(term) * rho / (1 - rho) <= 1e-15 * Math.Abs(sum)) return sum;
            }
        }
        return double.NaN;
    }
}
