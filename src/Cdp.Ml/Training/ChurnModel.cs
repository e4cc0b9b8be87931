using Microsoft.ML;

namespace Cdp.Ml.Training;

/// <summary>
/// A trained, calibrated classifier: the feature encoding learnt on its training rows, the ML.NET model and the Platt
/// calibration. <see cref="Save"/> and <see cref="Load"/> keep all of it, so a loaded model scores exactly as the saved one.
/// </summary>
public sealed class ChurnModel
{
    private readonly FeatureEncoder encoder;
    private readonly ITransformer model;
    private readonly MLContext ml;
    private readonly int seed;

    internal ChurnModel(TrialConfiguration configuration, IReadOnlyList<string> numericColumns, IReadOnlyList<string> categoricalColumns,
        FeatureEncoder encoder, ITransformer model, PlattCalibration calibration, int seed)
    {
        Configuration = configuration;
        NumericColumns = numericColumns.ToArray();
        CategoricalColumns = categoricalColumns.ToArray();
        this.encoder = encoder;
        this.model = model;
        Calibration = calibration;
        this.seed = seed;
        ml = new MLContext(seed);
    }

    public TrialConfiguration Configuration { get; }
    public PlattCalibration Calibration { get; }

    /// <summary>The numeric feature columns a table to score must have, in this order.</summary>
    public IReadOnlyList<string> NumericColumns { get; }

    /// <summary>The categorical feature columns a table to score must have, in this order.</summary>
    public IReadOnlyList<string> CategoricalColumns { get; }

    /// <summary>
    /// Calibrated probabilities of the positive label for every row of a table with the training columns (its labels
    /// are ignored). A table whose feature columns are not exactly <see cref="NumericColumns"/> and
    /// <see cref="CategoricalColumns"/>, in order, is an error naming the missing, extra or misplaced columns.
    /// </summary>
    public IReadOnlyList<double> Probabilities(TrainingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!table.NumericColumns.SequenceEqual(NumericColumns, StringComparer.Ordinal)
            || !table.CategoricalColumns.SequenceEqual(CategoricalColumns, StringComparer.Ordinal))
            throw TrainingErrors.FeatureColumnsDiffer(NumericColumns, CategoricalColumns, table.NumericColumns, table.CategoricalColumns);
        var rows = Enumerable.Range(0, table.Rows).ToArray();
        return ScoringFrame.Scores(model, ScoringFrame.View(ml, encoder, table, rows)).Select(Calibration.Probability).ToArray();
    }

    /// <summary>
    /// Writes the model as a zip: the ML.NET model with its input schema, the encoder's learnt state, the calibration,
    /// the trainer configuration, the feature columns and a format version. The stream is left open.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelArchive.Write(stream, new ModelArchive.Contents(seed, NumericColumns, CategoricalColumns, Configuration, Calibration, encoder, model));
    }

    /// <summary>
    /// Reads a model written by <see cref="Save"/>. A stream that is not such a model (not a zip, truncated, another
    /// archive, a newer format, an unreadable ML.NET model, inconsistent parts) is a <see cref="ModelFormatException"/>
    /// saying what is wrong. The stream is left open.
    /// </summary>
    public static ChurnModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var c = ModelArchive.Read(stream);
        return new ChurnModel(c.Configuration, c.NumericColumns, c.CategoricalColumns, c.Encoder, c.Model, c.Calibration, c.Seed);
    }
}
