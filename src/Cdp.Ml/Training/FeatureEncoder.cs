namespace Cdp.Ml.Training;

/// <summary>
/// Turns table rows into one float vector, learnt from training rows only so a validation fold never informs it:
/// a numeric column becomes its value with missing values replaced by the training mean, plus a 0/1 "was missing"
/// slot when the training rows had any missing; a categorical column becomes one-hot slots for the categories seen
/// in training (missing is a category of its own; an unseen category sets no slot).
/// </summary>
internal sealed class FeatureEncoder
{
    private readonly double[] means;
    private readonly bool[] indicator;
    private readonly Dictionary<string, int>[] vocabularies;

    private FeatureEncoder(double[] means, bool[] indicator, Dictionary<string, int>[] vocabularies)
    {
        this.means = means;
        this.indicator = indicator;
        this.vocabularies = vocabularies;
        Length = means.Length + indicator.Count(i => i) + vocabularies.Sum(v => v.Count);
    }

    public int Length { get; }

    /// <summary>The training mean of each numeric column (what a missing value becomes).</summary>
    public IReadOnlyList<double> Means => means;

    /// <summary>Per numeric column: true when it has a "was missing" slot.</summary>
    public IReadOnlyList<bool> MissingIndicators => indicator;

    /// <summary>Per categorical column: the categories seen in training, in slot order ("" is missing).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Categories
        => vocabularies.Select(v => (IReadOnlyList<string>)v.OrderBy(p => p.Value).Select(p => p.Key).ToArray()).ToArray();

    /// <summary>
    /// Rebuilds an encoder from the learnt state of <see cref="Means"/>, <see cref="MissingIndicators"/> and
    /// <see cref="Categories"/>; it encodes exactly as the original did.
    /// </summary>
    public static FeatureEncoder FromState(IReadOnlyList<double> means, IReadOnlyList<bool> missingIndicators, IReadOnlyList<IReadOnlyList<string>> categories)
    {
        if (means.Count != missingIndicators.Count)
            throw new ArgumentException($"The encoder state has {means.Count} numeric means but {missingIndicators.Count} missing-value indicators.");
        var vocabularies = new Dictionary<string, int>[categories.Count];
        for (var c = 0; c < categories.Count; c++)
        {
            vocabularies[c] = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var category in categories[c])
            {
                if (!vocabularies[c].TryAdd(category, vocabularies[c].Count))
                    throw new ArgumentException($"The encoder state lists category '{category}' twice for categorical column {c}.");
            }
        }
        return new FeatureEncoder(means.ToArray(), missingIndicators.ToArray(), vocabularies);
    }

    public static FeatureEncoder Fit(TrainingTable table, IReadOnlyList<int> rows)
    {
        var numeric = table.NumericColumns.Count;
        var means = new double[numeric];
        var indicator = new bool[numeric];
        for (var c = 0; c < numeric; c++)
        {
            double sum = 0;
            var count = 0;
            foreach (var r in rows)
            {
                var v = table.Numeric[r][c];
                if (double.IsNaN(v)) indicator[c] = true;
                else { sum += v; count++; }
            }
            means[c] = count == 0 ? 0 : sum / count;
        }
        var vocabularies = new Dictionary<string, int>[table.CategoricalColumns.Count];
        for (var c = 0; c < vocabularies.Length; c++)
        {
            var seen = rows.Select(r => Category(table.Categorical[r][c])).Distinct().Order(StringComparer.Ordinal).ToList();
            vocabularies[c] = seen.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
        }
        return new FeatureEncoder(means, indicator, vocabularies);
    }

    public float[] Encode(double[] numeric, string?[] categorical)
    {
        var vector = new float[Length];
        var slot = 0;
        for (var c = 0; c < means.Length; c++)
        {
            var missing = double.IsNaN(numeric[c]);
            vector[slot++] = (float)(missing ? means[c] : numeric[c]);
            if (indicator[c]) vector[slot++] = missing ? 1f : 0f;
        }
        for (var c = 0; c < vocabularies.Length; c++)
        {
            if (vocabularies[c].TryGetValue(Category(categorical[c]), out var index)) vector[slot + index] = 1f;
            slot += vocabularies[c].Count;
        }
        return vector;
    }

    private static string Category(string? value) => string.IsNullOrEmpty(value) ? "" : value;
}
