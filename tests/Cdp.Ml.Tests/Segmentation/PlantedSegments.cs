using Cdp.Ml.Segmentation;

namespace Cdp.Ml.Tests.Segmentation;

/// <summary>
/// Synthetic persons in four planted groups that a marketer would tell apart, with skewed money and counts and a
/// few missing values:
/// 0 champions (high value, frequent, recent, loyal), 1 lapsed one-time buyers (low value, lapsed, likely to churn),
/// 2 email-engaged newcomers (recent, few orders, engaged by email), 3 high-value customers at risk (high value,
/// lapsing, likely to churn).
/// </summary>
internal static class PlantedSegments
{
    public static readonly SegmentFeature[] Features =
    [
        SegmentFeature.Good("expected_value", "value", "high value", "low value", log: true),
        SegmentFeature.Bad("recency_days", "recency", "lapsed", "recently active"),
        SegmentFeature.Good("frequency", "frequency", "frequent", "one-time buyers", log: true),
        SegmentFeature.Good("email_engagement", "email engagement", "engaged by email", "ignoring email"),
        SegmentFeature.Bad("churn_probability", "churn risk", "likely to churn", "loyal"),
    ];

    public static readonly int[] Sizes = [300, 250, 250, 200];

    /// <summary>Per group: median value, recency days, orders, email open share, churn probability.</summary>
    private static readonly double[][] Centres =
    [
        [3000, 10, 30, 0.45, 0.05],
        [15, 360, 1, 0.05, 0.90],
        [120, 25, 2, 0.90, 0.35],
        [2000, 220, 12, 0.15, 0.70],
    ];

    public static (PersonFeatures Persons, int[] Group) Generate(int seed, int scale = 1)
    {
        var random = new Random(seed);
        var ids = new List<long>();
        var rows = new List<double[]>();
        var groups = new List<int>();
        for (var g = 0; g < Sizes.Length; g++)
        {
            var c = Centres[g];
            for (var i = 0; i < Sizes[g] * scale; i++)
            {
                ids.Add(1_000_000 + ids.Count * 7L);
                groups.Add(g);
                rows.Add(
                [
                    c[0] * Math.Exp(0.25 * Normal(random)),
                    Math.Max(0, c[1] * (1 + 0.15 * Normal(random))),
                    Math.Max(1, Math.Round(c[2] * Math.Exp(0.15 * Normal(random)))),
                    random.Next(50) == 0 ? double.NaN : Math.Clamp(c[3] + 0.05 * Normal(random), 0, 1),
                    Math.Clamp(c[4] + 0.04 * Normal(random), 0, 1),
                ]);
            }
        }
        // Interleave the groups so nothing depends on the input being grouped.
        var order = Enumerable.Range(0, ids.Count).ToArray();
        random.Shuffle(order);
        return (new PersonFeatures(order.Select(i => ids[i]).ToArray(), Features, order.Select(i => rows[i]).ToArray()),
            order.Select(i => groups[i]).ToArray());
    }

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Hubert and Arabie's adjusted Rand index of two labelings: 1 for identical partitions, about 0 by chance.</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var table = a.Zip(b).GroupBy(p => p).ToDictionary(g => g.Key, g => (long)g.Count());
        var index = table.Values.Sum(Pairs);
        var rows = a.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var columns = b.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var expected = rows * columns / Pairs(a.Count);
        return (index - expected) / ((rows + columns) / 2 - expected);
    }
}
