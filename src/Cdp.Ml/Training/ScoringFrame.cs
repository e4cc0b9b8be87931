using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cdp.Ml.Training;

/// <summary>Moves encoded rows into and raw scores out of ML.NET data views.</summary>
internal static class ScoringFrame
{
    private sealed class Example
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    public static IDataView View(MLContext ml, FeatureEncoder encoder, TrainingTable table, IReadOnlyList<int> rows,
        Func<int, double[]>? numeric = null, Func<int, string?[]>? categorical = null)
    {
        var examples = rows.Select(r => new Example
        {
            Label = table.Labels[r],
            Features = encoder.Encode(numeric?.Invoke(r) ?? table.Numeric[r], categorical?.Invoke(r) ?? table.Categorical[r]),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, encoder.Length);
        return ml.Data.LoadFromEnumerable(examples, schema);
    }

    public static double[] Scores(ITransformer model, IDataView view)
        => model.Transform(view).GetColumn<float>("Score").Select(s => (double)s).ToArray();
}
