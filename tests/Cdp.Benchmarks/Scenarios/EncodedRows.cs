using Cdp.Ml.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Table rows already turned into the sweep's feature vectors (by its own <see cref="FeatureEncoder"/>), as an ML.NET
/// data view with "Label" and "Features": what the bare learner reads, so a baseline on it times ML.NET alone.
/// </summary>
internal sealed class EncodedRows
{
    private EncodedRows(Example[] examples, int length)
    {
        Examples = examples;
        Length = length;
    }

    internal sealed class Example
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    public Example[] Examples { get; }

    public int Length { get; }

    public static EncodedRows Encode(TrainingTable table, FeatureEncoder encoder)
    {
        var examples = new Example[table.Rows];
        for (var r = 0; r < examples.Length; r++)
            examples[r] = new Example { Label = table.Labels[r], Features = encoder.Encode(table.Numeric[r], table.Categorical[r]) };
        return new EncodedRows(examples, encoder.Length);
    }

    public IDataView View(MLContext ml)
    {
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Length);
        return ml.Data.LoadFromEnumerable(Examples, schema);
    }
}
