using Cdp.Identity.Matching;

namespace Cdp.Identity.Tests.Matching;

/// <summary>EM recovers the m and match proportion that generated a synthetic set of pairs, given the true u.</summary>
public sealed class ExpectationMaximisationTests
{
    private static readonly double[][] TrueM = [[0.05, 0.15, 0.80], [0.10, 0.20, 0.70], [0.08, 0.92]];
    private static readonly double[][] TrueU = [[0.90, 0.08, 0.02], [0.85, 0.10, 0.05], [0.75, 0.25]];
    private const double TrueP = 0.2;

    [Fact]
    public void Em_recovers_known_m_and_proportion()
    {
        var patterns = Generate(200_000, seed: 7);
        var start = TrueM.Select(levels => Enumerable.Range(0, levels.Length).Select(g => Math.Pow(2, g) / (Math.Pow(2, levels.Length) - 1)).ToArray()).ToArray();
        var outcome = ExpectationMaximisation.Run(patterns, TrueU, start, 0.5, 500, 1e-7);

        Assert.True(outcome.Converged, $"EM did not converge in {outcome.Iterations} iterations");
        Assert.Equal(TrueP, outcome.MatchProportion, 2);
        for (var c = 0; c < TrueM.Length; c++)
        {
            for (var g = 0; g < TrueM[c].Length; g++) Assert.True(Math.Abs(TrueM[c][g] - outcome.M[c][g]) < 0.02, $"m[{c}][{g}] = {outcome.M[c][g]:F4}, expected {TrueM[c][g]}");
        }
        Assert.Equal(TrueP, ExpectationMaximisation.MatchProportion(patterns, TrueM, TrueU, 0.01, 500, 1e-7), 2);
    }

    [Fact]
    public void Null_gammas_are_ignored()
    {
        var patterns = Generate(50_000, seed: 3).Select(p => p with { Gammas = [p.Gammas[0], p.Gammas[1], -1] }).ToList();
        var outcome = ExpectationMaximisation.Run(patterns, TrueU, TrueM, 0.5, 500, 1e-7);
        Assert.Equal(TrueM[2], outcome.M[2]); // never seen: left at its start
        Assert.Equal(TrueP, outcome.MatchProportion, 1);
    }

    /// <summary>Pairs drawn from the two-class model, aggregated by gamma pattern.</summary>
    private static List<GammaPattern> Generate(int pairs, int seed)
    {
        var random = new Random(seed);
        var counts = new Dictionary<string, (int[] Gammas, long N)>();
        for (var i = 0; i < pairs; i++)
        {
            var probabilities = random.NextDouble() < TrueP ? TrueM : TrueU;
            var gammas = probabilities.Select(levels => Draw(levels, random.NextDouble())).ToArray();
            var key = string.Join(',', gammas);
            counts[key] = counts.TryGetValue(key, out var seen) ? (seen.Gammas, seen.N + 1) : (gammas, 1);
        }
        return counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new GammaPattern(kv.Value.Gammas, kv.Value.N)).ToList();
    }

    private static int Draw(double[] levels, double x)
    {
        for (var g = 0; g < levels.Length; g++)
        {
            if ((x -= levels[g]) < 0) return g;
        }
        return levels.Length - 1;
    }
}
