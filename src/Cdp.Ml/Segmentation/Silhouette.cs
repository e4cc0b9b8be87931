namespace Cdp.Ml.Segmentation;

/// <summary>
/// Mean silhouette (Rousseeuw 1987) on a fixed sample of rows: for each sampled row, a = mean distance to the sampled
/// rows of its own cluster, b = the smallest mean distance to the sampled rows of another cluster, s = (b - a) / max(a, b);
/// a row alone in its cluster within the sample scores 0. Euclidean distance on the z-scores. The exact silhouette is
/// quadratic in the rows; a seeded sample keeps it affordable at a million persons and the same for every count tried.
/// </summary>
internal static class Silhouette
{
    /// <summary>Up to <paramref name="size"/> distinct rows, drawn with a seeded partial shuffle, in ascending order.</summary>
    public static int[] Sample(int rows, int size, int seed)
    {
        if (rows <= size) return Enumerable.Range(0, rows).ToArray();
        var random = new Random(seed);
        var order = Enumerable.Range(0, rows).ToArray();
        for (var i = 0; i < size; i++)
        {
            var j = random.Next(i, rows);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var sample = order[..size];
        Array.Sort(sample);
        return sample;
    }

    public static double Mean(FeatureScaling scaling, int[] assignment, int clusters, int[] sample)
    {
        var counts = new int[clusters];
        foreach (var r in sample) counts[assignment[r]]++;
        var sums = new double[clusters];
        double total = 0;
        foreach (var i in sample)
        {
            Array.Clear(sums);
            var row = scaling.Row(i);
            foreach (var j in sample)
            {
                if (i == j) continue;
                var other = scaling.Row(j);
                double squares = 0;
                for (var c = 0; c < row.Length; c++)
                {
                    var d = row[c] - other[c];
                    squares += d * d;
                }
                sums[assignment[j]] += Math.Sqrt(squares);
            }
            var own = assignment[i];
            if (counts[own] <= 1) continue;
            var a = sums[own] / (counts[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < clusters; c++)
                if (c != own && counts[c] > 0) b = Math.Min(b, sums[c] / counts[c]);
            if (double.IsPositiveInfinity(b)) continue;
            var scale = Math.Max(a, b);
            if (scale > 0) total += (b - a) / scale;
        }
        return total / sample.Length;
    }
}
