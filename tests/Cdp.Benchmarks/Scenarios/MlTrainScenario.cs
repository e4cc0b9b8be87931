using System.Diagnostics;
using System.Text.Json.Nodes;
using Cdp.Ml.Training;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// The churn sweep (<see cref="ChurnSweep.Run"/>: 3 configurations × 3 stratified folds, then calibration, permutation
/// importance and the final fit on every row) against one plain ML.NET LightGBM fit with default options on the same
/// rows, already encoded: the ratio reads as "the sweep costs N fits of the bare learner". A single-threaded LightGBM
/// fit (as the sweep's trainers run) is timed too.
/// </summary>
internal sealed class MlTrainScenario : IScenario
{
    private const int Seed = 42;

    public static readonly SweepOptions Sweep = new() { Seed = Seed, Folds = 3, MaxTrials = 3, TimeBudget = TimeSpan.FromHours(2) };

    public string Name => "ml-train";

    public string Description => "churn sweep (3 trials, 3 folds) over N customers vs one default LightGBM fit on the same encoded rows";

    public long DefaultSize => 1_000_000;

    /// <summary>One sweep of a million rows takes about five minutes on 2 cores; three would pass the ten-minute mark.</summary>
    public int DefaultRepeat => 1;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var rows = checked((int)context.Size);
        TrainingTable? table = null;
        var generate = await Timing.TimeAsync(() => Task.FromResult(table = ChurnRows.Generate(rows, Seed))).ConfigureAwait(false);
        var encoded = EncodedRows.Encode(table!, FeatureEncoder.Fit(table!, Enumerable.Range(0, rows).ToArray()));
        Log.Write($"  generated {rows:N0} customers ({table!.Positives:N0} churned, {encoded.Length} encoded slots) in {generate.Seconds:F1}s");

        var samples = new Samples();
        SweepResult? result = null;
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var m = await Timing.TimeAsync(() => Task.FromResult(result = ChurnSweep.Run(table, Sweep, cancellationToken))).ConfigureAwait(false);
                samples.Add("sweep", m);
                samples.Add("trials", new Measurement(result!.Trials.Sum(t => t.Elapsed.TotalSeconds), 0));
                Log.Write($"  repeat {r + 1}: sweep {m.Seconds:F1}s ({m.CpuSeconds:F1}s CPU): " +
                          string.Join("; ", result.Trials.Select(t => $"{t.Configuration} AUC {t.MeanAuc:F4} in {t.Elapsed.TotalSeconds:F1}s")));
            },
            async r =>
            {
                var m = await Timing.TimeAsync(() => Task.FromResult(Fit(encoded, new LightGbmBinaryTrainer.Options()))).ConfigureAwait(false);
                samples.Add("baseline", m);
                Log.Write($"  repeat {r + 1}: LightGBM fit, default options {m.Seconds:F1}s ({m.CpuSeconds:F1}s CPU)");
            },
            async r =>
            {
                var m = await Timing.TimeAsync(() => Task.FromResult(Fit(encoded, new LightGbmBinaryTrainer.Options { NumberOfThreads = 1 }))).ConfigureAwait(false);
                samples.Add("single", m);
                Log.Write($"  repeat {r + 1}: LightGBM fit, one thread {m.Seconds:F1}s ({m.CpuSeconds:F1}s CPU)");
            }).ConfigureAwait(false);

        var sweep = samples.Median("sweep");
        var trials = samples.Median("trials").Seconds;
        return new ScenarioResult(sweep, samples.Median("baseline"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("sweep", "baseline"),
            ["rows"] = rows,
            ["positives"] = result!.Positives,
            ["features"] = encoded.Length,
            ["folds"] = Sweep.Folds,
            ["trials"] = result.Trials.Count,
            ["best_auc"] = Math.Round(result.Best.MeanAuc, 4),
            ["best_model"] = result.Best.Configuration.ToString(),
            ["trial_auc"] = new JsonArray(result.Trials.Select(t => (JsonNode)Math.Round(t.MeanAuc, 4)).ToArray()),
            ["trial_seconds"] = new JsonArray(result.Trials.Select(t => (JsonNode)Stats.Round(t.Elapsed.TotalSeconds)).ToArray()),
            ["trials_seconds"] = Stats.Round(trials),
            ["after_trials_seconds"] = Stats.Round(sweep.Seconds - trials),
            ["baseline_single_thread_seconds"] = Stats.Round(samples.Median("single").Seconds),
            ["ratio_single_thread"] = Math.Round(sweep.Seconds / samples.Median("single").Seconds, 3),
            ["machine_cores"] = Environment.ProcessorCount,
            ["generate_seconds"] = Stats.Round(generate.Seconds),
            ["peak_working_set_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
            ["seconds_all"] = samples.All("sweep"),
            ["baseline_all"] = samples.All("baseline"),
        });
    }

    private static ITransformer Fit(EncodedRows encoded, LightGbmBinaryTrainer.Options options)
    {
        var ml = new MLContext(Seed);
        return ml.BinaryClassification.Trainers.LightGbm(options).Fit(encoded.View(ml));
    }
}
