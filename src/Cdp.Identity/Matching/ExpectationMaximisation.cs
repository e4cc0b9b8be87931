namespace Cdp.Identity.Matching;

/// <summary>The m probabilities and match proportion EM settled on.</summary>
internal sealed record EmOutcome(double[][] M, double MatchProportion, int Iterations, bool Converged);

/// <summary>
/// Expectation maximisation of the m probabilities over gamma patterns, with u held fixed (as Splink does: u from
/// random pairs is better than EM's, and fixing it keeps EM from swapping the roles of matches and non-matches).
/// It runs on the pattern counts rather than on pairs, so an iteration costs one pass over a few hundred patterns
/// however many pairs there are. Null gammas (-1) carry no information and are skipped.
/// </summary>
internal static class ExpectationMaximisation
{
    /// <param name="u">u[c][gamma] per comparison and level.</param>
    /// <param name="m">Starting m[c][gamma]; not modified.</param>
    public static EmOutcome Run(IReadOnlyList<GammaPattern> patterns, double[][] u, double[][] m, double matchProportion, int maxIterations, double tolerance)
    {
        var current = m.Select(a => (double[])a.Clone()).ToArray();
        var p = matchProportion;
        var total = patterns.Sum(x => (double)x.Pairs);
        if (total == 0) return new EmOutcome(current, p, 0, false);

        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            var mCounts = current.Select(a => new double[a.Length]).ToArray();
            var matches = 0.0;
            foreach (var pattern in patterns)
            {
                var posterior = MatchPosterior(pattern.Gammas, current, u, p);
                var expected = posterior * pattern.Pairs;
                matches += expected;
                for (var c = 0; c < pattern.Gammas.Length; c++)
                {
                    if (pattern.Gammas[c] >= 0) mCounts[c][pattern.Gammas[c]] += expected;
                }
            }

            var change = Math.Abs(matches / total - p);
            p = Math.Clamp(matches / total, 1e-9, 1 - 1e-9);
            for (var c = 0; c < current.Length; c++)
            {
                var seen = mCounts[c].Sum();
                if (seen <= 0) continue; // no non-null pair for this comparison: keep the start value
                for (var g = 0; g < current[c].Length; g++)
                {
                    var next = mCounts[c][g] / seen;
                    change = Math.Max(change, Math.Abs(next - current[c][g]));
                    current[c][g] = next;
                }
            }
            if (change < tolerance) return new EmOutcome(current, p, iteration, true);
        }
        return new EmOutcome(current, p, maxIterations, false);
    }

    /// <summary>
    /// The share of matches among the patterns' pairs with m and u both fixed: EM on that one parameter, which has a
    /// single optimum, so it is safe over all candidates at once.
    /// </summary>
    public static double MatchProportion(IReadOnlyList<GammaPattern> patterns, double[][] m, double[][] u, double start, int maxIterations, double tolerance)
    {
        var total = patterns.Sum(x => (double)x.Pairs);
        if (total == 0) return start;
        var p = start;
        for (var iteration = 0; iteration < maxIterations * 10; iteration++)
        {
            var next = Math.Clamp(patterns.Sum(x => MatchPosterior(x.Gammas, m, u, p) * x.Pairs) / total, 1e-9, 1 - 1e-9);
            var done = Math.Abs(next - p) < tolerance * p;
            p = next;
            if (done) break;
        }
        return p;
    }

    /// <summary>P(match | pattern), computed on log odds so that many strong levels do not overflow.</summary>
    public static double MatchPosterior(int[] gammas, double[][] m, double[][] u, double p)
    {
        var logOdds = Math.Log(p) - Math.Log(1 - p);
        for (var c = 0; c < gammas.Length; c++)
        {
            var g = gammas[c];
            if (g < 0) continue;
            logOdds += Math.Log(Math.Max(m[c][g], MatchParameters.MinProbability)) - Math.Log(Math.Max(u[c][g], MatchParameters.MinProbability));
        }
        return 1.0 / (1.0 + Math.Exp(-logOdds));
    }
}
