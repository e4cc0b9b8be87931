namespace Cdp.Ml.Segmentation;

/// <summary>The words of one segment.</summary>
internal sealed record SegmentText(string Name, string Description, IReadOnlyList<SegmentTrait> Traits);

/// <summary>
/// Turns segment z-scores into words. A segment's traits are its features at least <c>distinctiveZ</c> standard
/// deviations from the average, most distinctive first, at most <c>maximumTraits</c>: "High value, frequent, recently
/// active". A segment with none reads "Near average". When two segments would read the same, each adds its next most
/// distinctive feature as a qualifier ("somewhat lapsed" below the threshold; features within
/// <see cref="QualifierZ"/> of the mean are never named), until they differ; segments that still read the same get
/// their number appended, so descriptions are always unique.
/// </summary>
internal static class SegmentDescriber
{
    public const double QualifierZ = 0.1;
    private const string NearAverage = "Near average";

    /// <param name="features">The clustered features, in the order of each z-score vector.</param>
    /// <param name="zScores">Each segment's mean z-score per feature, in segment order (segment 1 first).</param>
    public static IReadOnlyList<SegmentText> Describe(IReadOnlyList<SegmentFeature> features, IReadOnlyList<double[]> zScores, double distinctiveZ, int maximumTraits)
    {
        var ranked = zScores.Select(z => Enumerable.Range(0, features.Count)
            .OrderByDescending(f => Math.Abs(z[f])).ThenBy(f => f).ToArray()).ToArray();
        var traits = zScores.Select((z, s) => ranked[s].Where(f => Math.Abs(z[f]) >= distinctiveZ).Take(maximumTraits).ToList()).ToArray();
        var texts = new string[zScores.Count];

        while (true)
        {
            for (var s = 0; s < texts.Length; s++) texts[s] = Render(features, zScores[s], traits[s], distinctiveZ);
            var clashing = Clashing(texts);
            var extended = false;
            foreach (var s in clashing)
            {
                var next = ranked[s].Where(f => !traits[s].Contains(f) && Math.Abs(zScores[s][f]) >= QualifierZ).Take(1).ToList();
                if (next.Count == 0) continue;
                traits[s].Add(next[0]);
                extended = true;
            }
            if (!extended) break;
        }
        foreach (var s in Clashing(texts)) texts[s] += $" (segment {s + 1})";

        var names = texts.Select((text, s) => traits[s].Count > 2 && traits[s].Count(f => Math.Abs(zScores[s][f]) >= distinctiveZ) >= 2
            ? Render(features, zScores[s], traits[s].Take(2).ToList(), distinctiveZ)
            : text).ToArray();
        var clashingNames = Clashing(names);
        return texts.Select((text, s) => new SegmentText(clashingNames.Contains(s) ? text : names[s], text,
            traits[s].Select(f => new SegmentTrait(features[f].Name, zScores[s][f], Words(features[f], zScores[s][f], distinctiveZ))).ToList())).ToList();
    }

    private static string Render(IReadOnlyList<SegmentFeature> features, double[] z, List<int> traits, double distinctiveZ)
    {
        var words = traits.Select(f => Words(features[f], z[f], distinctiveZ)).ToList();
        if (traits.Count == 0 || Math.Abs(z[traits[0]]) < distinctiveZ)
            return words.Count == 0 ? NearAverage : $"{NearAverage}: {string.Join(", ", words)}";
        var text = string.Join(", ", words);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static string Words(SegmentFeature feature, double z, double distinctiveZ)
    {
        var words = z > 0 ? feature.High : feature.Low;
        return Math.Abs(z) < distinctiveZ ? "somewhat " + words : words;
    }

    /// <summary>The segments whose text another segment also has.</summary>
    private static HashSet<int> Clashing(IReadOnlyList<string> texts)
        => texts.Select((t, s) => (t, s)).GroupBy(p => p.t, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(p => p.s)).ToHashSet();
}
