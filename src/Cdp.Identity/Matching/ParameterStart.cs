namespace Cdp.Identity.Matching;

/// <summary>Where estimation starts: u read off random pairs, and a starting m for EM.</summary>
internal static class ParameterStart
{
    /// <summary>
    /// u[c][gamma]: the share of random pairs (null gammas aside) in each level. A level no random pair reached gets
    /// half a pair: rarer than one in the sample, but not impossible. A comparison with no non-null pair gets equal
    /// shares, which (with equal m) makes it weigh nothing.
    /// </summary>
    public static double[][] U(MatchSettings settings, IReadOnlyList<GammaPattern> sample)
    {
        var u = new double[settings.Comparisons.Count][];
        for (var c = 0; c < u.Length; c++)
        {
            var levels = settings.Comparisons[c].Levels.Count;
            var counts = new double[levels];
            foreach (var pattern in sample)
            {
                if (pattern.Gammas[c] >= 0) counts[pattern.Gammas[c]] += pattern.Pairs;
            }
            var total = counts.Sum();
            u[c] = total == 0
                ? Enumerable.Repeat(1.0 / levels, levels).ToArray()
                : counts.Select(n => Math.Max(n, 0.5) / total).ToArray();
        }
        return u;
    }

    /// <summary>
    /// A starting m that halves from the best level down (the best level most likely among matches). EM only needs
    /// m to favour close levels at the start, so it converges to the match class rather than to the non-matches.
    /// </summary>
    public static double[][] M(MatchSettings settings)
        => settings.Comparisons.Select(c =>
        {
            var levels = c.Levels.Count;
            var raw = Enumerable.Range(0, levels).Select(gamma => Math.Pow(2, gamma)).ToArray();
            var sum = raw.Sum();
            return raw.Select(x => x / sum).ToArray();
        }).ToArray();
}
