namespace Cdp.Ml.Segmentation;

/// <summary>
/// The persons to segment, one row each: a person id and one value per feature, in the order of
/// <see cref="Features"/> (NaN = missing). Checked on construction: at least one feature, unique feature names and
/// person ids, one value per feature in every row, no infinities, and no negative value in a log-transformed feature.
/// </summary>
public sealed class PersonFeatures
{
    public PersonFeatures(IReadOnlyList<long> personIds, IReadOnlyList<SegmentFeature> features, IReadOnlyList<double[]> values)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(values);
        if (features.Count == 0) throw SegmentationErrors.NoFeatures();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            ArgumentNullException.ThrowIfNull(feature);
            if (string.IsNullOrWhiteSpace(feature.Name) || string.IsNullOrWhiteSpace(feature.Label)
                || string.IsNullOrWhiteSpace(feature.High) || string.IsNullOrWhiteSpace(feature.Low))
                throw SegmentationErrors.IncompleteFeature(feature);
            if (!names.Add(feature.Name)) throw SegmentationErrors.DuplicateFeature(feature.Name);
        }
        if (personIds.Count != values.Count) throw SegmentationErrors.RaggedInput(personIds.Count, values.Count);

        var seen = new Dictionary<long, int>(personIds.Count);
        for (var row = 0; row < values.Count; row++)
        {
            var person = personIds[row];
            if (!seen.TryAdd(person, row)) throw SegmentationErrors.DuplicatePerson(person, seen[person], row);
            var rowValues = values[row] ?? throw SegmentationErrors.RaggedRow(row, person, features.Count, 0);
            if (rowValues.Length != features.Count) throw SegmentationErrors.RaggedRow(row, person, features.Count, rowValues.Length);
            for (var f = 0; f < rowValues.Length; f++)
            {
                var v = rowValues[f];
                if (double.IsInfinity(v)) throw SegmentationErrors.NotFinite(row, person, features[f].Name, v);
                if (features[f].LogTransform && v < 0) throw SegmentationErrors.NegativeForLog(row, person, features[f].Name, v);
            }
        }
        PersonIds = personIds;
        Features = features;
        Values = values;
    }

    public IReadOnlyList<long> PersonIds { get; }
    public IReadOnlyList<SegmentFeature> Features { get; }
    public IReadOnlyList<double[]> Values { get; }
    public int Rows => PersonIds.Count;
}
