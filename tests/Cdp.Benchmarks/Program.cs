using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Benchmarks;
using Cdp.Benchmarks.Scenarios;

// Benchmark runner: one JSON line per scenario on stdout, progress on stderr.
// Usage: dotnet run -c Release --project tests/Cdp.Benchmarks -- [--scenario NAME]... [--size N] [--repeat K] [--quick] (see --help)
IScenario[] scenarios =
[
    new DeltaAppendScenario(), new SnapshotLoadScenario(), new SnapshotScanScenario(), new ModelsOverheadScenario(),
    new IngestFileScenario(Cdp.Ingestion.Config.SourceFormat.Csv), new IngestFileScenario(Cdp.Ingestion.Config.SourceFormat.JsonLines),
    new ProfileLookupScenario(),
    new IdentityClusterScenario(),
    new MlTrainScenario(), new MlScoreScenario(),
    new SyncPlanScenario(), new SyncThroughputScenario(),
];

RunnerOptions options;
try
{
    options = RunnerOptions.Parse(args, scenarios.Select(s => s.Name).ToList());
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(RunnerOptions.Usage(scenarios));
    return 2;
}
if (options.Help)
{
    Console.WriteLine(RunnerOptions.Usage(scenarios));
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var exitCode = 0;
foreach (var scenario in scenarios.Where(s => options.Scenarios.Count == 0 || options.Scenarios.Contains(s.Name)))
{
    var size = options.Size ?? (options.Quick ? Math.Max(1, scenario.DefaultSize / 10) : scenario.DefaultSize);
    var repeat = options.Repeat ?? scenario.DefaultRepeat;
    await using var workspace = new Workspace(options.WorkDirectory, scenario.Name, options.Keep);
    Log.Write($"{scenario.Name}: size {size.ToString("N0", CultureInfo.InvariantCulture)}, {repeat} repeat(s), in {workspace.Root}");
    try
    {
        var result = await scenario.RunAsync(new ScenarioContext(size, repeat, workspace, options.InlineSource), cancel.Token);
        var line = new JsonObject
        {
            ["name"] = scenario.Name,
            ["size"] = size,
            ["seconds"] = Stats.Round(result.Measured.Seconds),
            ["baseline_seconds"] = Stats.Round(result.Baseline.Seconds),
            ["ratio"] = Math.Round(result.Measured.Seconds / result.Baseline.Seconds, 3),
            ["repeats"] = repeat,
            ["cpu_seconds"] = Stats.Round(result.Measured.CpuSeconds),
            ["baseline_cpu_seconds"] = Stats.Round(result.Baseline.CpuSeconds),
            ["cpu_ratio"] = Math.Round(result.Measured.CpuSeconds / result.Baseline.CpuSeconds, 3),
        };
        foreach (var (key, value) in result.Extra) line[key] = value?.DeepClone();
        Console.WriteLine(line.ToJsonString());
    }
    catch (OperationCanceledException)
    {
        Log.Write("cancelled");
        return 130;
    }
#pragma warning disable CA1031 // one failing scenario is reported and the others still run
    catch (Exception e)
#pragma warning restore CA1031
    {
        Log.Write($"{scenario.Name} failed: {e}");
        exitCode = 1;
    }
}
return exitCode;
