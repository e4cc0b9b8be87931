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
        return ml.Data.LoadFromEnumerable(examples, Definition(encoder.Length));
    }

    /// <summary>The schema of the views a model is trained and scored on: a Boolean "Label" and a "Features" vector of the given length.</summary>
    public static DataViewSchema InputSchema(MLContext ml, int features)
        => ml.Data.LoadFromEnumerable(Array.Empty<Example>(), Definition(features)).Schema;

    public const string FeaturesColumn = nameof(Example.Features);

    private static SchemaDefinition Definition(int features)
    {
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

    public static double[] Scores(ITransformer model, IDataView view)
        => model.Transform(view).GetColumn<float>("Score").Select(s => (double)s).ToArray();
}
