using Microsoft.ML;

namespace Cdp.Ml.Training;

/// <summary>A trained, calibrated classifier: the feature encoding learnt on its training rows, the ML.NET model and the Platt calibration.</summary>
public sealed class ChurnModel
{
    private readonly FeatureEncoder encoder;
    private readonly ITransformer model;
    private readonly MLContext ml;

    internal ChurnModel(TrialConfiguration configuration, FeatureEncoder encoder, ITransformer model, PlattCalibration calibration, int seed)
    {
        Configuration = configuration;
        this.encoder = encoder;
        this.model = model;
        Calibration = calibration;
        ml = new MLContext(seed);
    }

    public TrialConfiguration Configuration { get; }
    public PlattCalibration Calibration { get; }

    /// <summary>Calibrated probabilities of the positive label for every row of a table with the training columns (its labels are ignored).</summary>
    public IReadOnlyList<double> Probabilities(TrainingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = Enumerable.Range(0, table.Rows).ToArray();
        return ScoringFrame.Scores(model, ScoringFrame.View(ml, encoder, table, rows)).Select(Calibration.Probability).ToArray();
    }
}
