using System.Diagnostics;
using System.Text.Json.Nodes;
using Cdp.Ml.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// <see cref="ChurnModel.Probabilities"/> over N customers (encode each row, score it with ML.NET, calibrate) against
/// the same ML.NET model transforming the same rows already encoded into feature vectors, so the ratio isolates what
/// the library adds around ML.NET. The model is the winner of a 2-trial sweep on the first 100,000 rows (outside the
/// timing); the baseline's model is trained the same way (same configuration, rows and seed), and its calibrated
/// scores must equal the measured probabilities exactly.
/// </summary>
internal sealed class MlScoreScenario : IScenario
{
    private const int Seed = 42;
    private const int TrainingRows = 100_000;

    public string Name => "ml-score";

    public string Description => "ChurnModel.Probabilities over N customers vs the bare ML.NET transform of the same rows pre-encoded";

    public long DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var rows = checked((int)context.Size);
        var table = ChurnRows.Generate(rows, Seed);
        var training = ChurnRows.Head(table, Math.Min(rows, TrainingRows));
        var options = new SweepOptions { Seed = Seed, Folds = 2, MaxTrials = 2, TimeBudget = TimeSpan.FromHours(1) };
        SweepResult? sweep = null;
        var setup = await Timing.TimeAsync(() => Task.FromResult(sweep = ChurnSweep.Run(training, options, cancellationToken))).ConfigureAwait(false);
        var model = sweep!.Model;
        var (encoder, transformer) = CrossValidation.Train(training, Enumerable.Range(0, training.Rows).ToArray(), model.Configuration, Seed);
        Log.Write($"  model {model.Configuration} (AUC {sweep.Best.MeanAuc:F4}) trained on {training.Rows:N0} rows in {setup.Seconds:F1}s");

        var encoded = EncodedRows.Encode(table, encoder);
        var samples = new Samples();
        IReadOnlyList<double>? probabilities = null;
        float[]? scores = null;
        long allocated = 0, baselineAllocated = 0;
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var m = await Timing.TimeAsync(() => Task.FromResult(probabilities = model.Probabilities(table))).ConfigureAwait(false);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                samples.Add("score", m);
                Log.Write($"  repeat {r + 1}: ChurnModel.Probabilities {m.Seconds:F2}s ({m.CpuSeconds:F2}s CPU, {allocated / 1e6:F0} MB allocated)");
            },
            async r =>
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var m = await Timing.TimeAsync(() => Task.FromResult(scores = Transform(transformer, encoded))).ConfigureAwait(false);
                baselineAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                samples.Add("baseline", m);
                Log.Write($"  repeat {r + 1}: ML.NET transform of encoded rows {m.Seconds:F2}s ({m.CpuSeconds:F2}s CPU, {baselineAllocated / 1e6:F0} MB allocated)");
            },
            async r =>
            {
                var m = await Timing.TimeAsync(() => Task.FromResult(EncodedRows.Encode(table, encoder))).ConfigureAwait(false);
                samples.Add("encode", m);
                Log.Write($"  repeat {r + 1}: encoding alone {m.Seconds:F2}s");
            }).ConfigureAwait(false);

        for (var i = 0; i < rows; i++)
        {
            if (probabilities![i] != model.Calibration.Probability(scores![i]))
                throw new InvalidOperationException($"Row {i}: the baseline's model scores differently from the churn model, so it is not a baseline.");
        }
        var score = samples.Median("score");
        var baseline = samples.Median("baseline");
        return new ScenarioResult(score, baseline, new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("score", "baseline"),
            ["rows"] = rows,
            ["model"] = model.Configuration.ToString(),
            ["features"] = encoded.Length,
            ["rows_per_second"] = Math.Round(rows / score.Seconds),
            ["baseline_rows_per_second"] = Math.Round(rows / baseline.Seconds),
            ["encode_seconds"] = Stats.Round(samples.Median("encode").Seconds),
            ["allocated_mb"] = Math.Round(allocated / 1e6),
            ["baseline_allocated_mb"] = Math.Round(baselineAllocated / 1e6),
            ["machine_cores"] = Environment.ProcessorCount,
            ["setup_seconds"] = Stats.Round(setup.Seconds),
            ["peak_working_set_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
            ["seconds_all"] = samples.All("score"),
            ["baseline_all"] = samples.All("baseline"),
        });
    }

    private static float[] Transform(ITransformer transformer, EncodedRows encoded)
        => transformer.Transform(encoded.View(new MLContext(Seed))).GetColumn<float>("Score").ToArray();
}
