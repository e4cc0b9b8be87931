namespace Cdp.Ml.Segmentation;

/// <summary>
/// The matrix k-means sees: each missing value replaced by the feature's median, log(1 + x) where the feature asks
/// for it, then z-scores (population standard deviation). A feature that does not vary (constant, or missing for
/// everyone) has no z-score and is left out with a note rather than failing the run: a new channel with no data yet
/// should not stop segmentation on the others.
/// </summary>
internal sealed class FeatureScaling
{
    private FeatureScaling(int rows, int[] columns, double[] values, IReadOnlyList<string> notes)
    {
        Rows = rows;
        Columns = columns;
        Values = values;
        Notes = notes;
    }

    public int Rows { get; }

    /// <summary>For each clustered column, the index of its feature in the input.</summary>
    public int[] Columns { get; }

    public int Width => Columns.Length;

    /// <summary>Row-major z-scores, <see cref="Rows"/> × <see cref="Width"/>.</summary>
    public double[] Values { get; }

    public IReadOnlyList<string> Notes { get; }

    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * Width, Width);

    public static FeatureScaling Of(PersonFeatures persons)
    {
        var rows = persons.Rows;
        var kept = new List<(int Feature, double[] Z)>();
        var notes = new List<string>();
        for (var f = 0; f < persons.Features.Count; f++)
        {
            var feature = persons.Features[f];
            var known = new List<double>(rows);
            for (var r = 0; r < rows; r++)
            {
                var v = persons.Values[r][f];
                if (!double.IsNaN(v)) known.Add(v);
            }
            if (known.Count == 0)
            {
                notes.Add(SegmentationErrors.AllMissing(feature.Name));
                continue;
            }
            var median = Median(known);
            var column = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                var v = persons.Values[r][f];
                if (double.IsNaN(v)) v = median;
                column[r] = feature.LogTransform ? Math.Log(1 + v) : v;
            }
            var (mean, deviation) = MeanAndDeviation(column);
            if (!(deviation > 1e-12 * Math.Max(1, Math.Abs(mean))))
            {
                notes.Add(SegmentationErrors.Constant(feature.Name, median));
                continue;
            }
            for (var r = 0; r < rows; r++) column[r] = (column[r] - mean) / deviation;
            kept.Add((f, column));
        }
        if (kept.Count == 0) throw SegmentationErrors.NothingToCluster(notes);

        var width = kept.Count;
        var values = new double[rows * width];
        for (var c = 0; c < width; c++)
        {
            var z = kept[c].Z;
            for (var r = 0; r < rows; r++) values[r * width + c] = z[r];
        }
        return new FeatureScaling(rows, kept.Select(k => k.Feature).ToArray(), values, notes);
    }

    /// <summary>The middle value, or the mean of the two middle values; sorts the list.</summary>
    public static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static (double Mean, double Deviation) MeanAndDeviation(double[] column)
    {
        double mean = 0;
        foreach (var v in column) mean += v;
        mean /= column.Length;
        double squares = 0;
        foreach (var v in column) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / column.Length));
    }
}
