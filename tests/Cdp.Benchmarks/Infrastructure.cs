using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Cdp.Benchmarks;

/// <summary>A named benchmark: measures an operation against a baseline in the same process.</summary>
internal interface IScenario
{
    string Name { get; }

    string Description { get; }

    long DefaultSize { get; }

    /// <summary>Timed repeats per side when <c>--repeat</c> is not given; lower for scenarios whose one run takes minutes.</summary>
    int DefaultRepeat => 3;

    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}

/// <param name="InlineSource">delta-append: stream the generator query into both writers instead of a materialized table.</param>
internal sealed record ScenarioContext(long Size, int Repeat, Workspace Workspace, bool InlineSource);

/// <summary>
/// Median wall-clock seconds of the measured operation and of its baseline, the same for process CPU seconds (all
/// threads, DuckDB's included), plus scenario-specific fields.
/// </summary>
internal sealed record ScenarioResult(Measurement Measured, Measurement Baseline, JsonObject Extra);

/// <summary>Wall-clock and process CPU seconds of one run (or medians of several).</summary>
internal readonly record struct Measurement(double Seconds, double CpuSeconds)
{
    public static Measurement operator +(Measurement a, Measurement b) => new(a.Seconds + b.Seconds, a.CpuSeconds + b.CpuSeconds);
}

/// <summary>A temp folder for one scenario's tables, deleted afterwards unless kept.</summary>
internal sealed class Workspace : IAsyncDisposable
{
    private readonly bool _keep;

    public Workspace(string? parent, string scenario, bool keep)
    {
        _keep = keep;
        Root = Path.Combine(Path.GetFullPath(parent ?? Path.GetTempPath()), $"cdp-bench-{scenario}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A fresh, empty folder under the workspace.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else if (File.Exists(path)) File.Delete(path);
    }

    public ValueTask DisposeAsync()
    {
        if (_keep) Log.Write($"kept {Root}");
        else Delete(Root);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Named timing samples; one measurement per repeat.</summary>
internal sealed class Samples
{
    private readonly Dictionary<string, List<Measurement>> _values = new(StringComparer.Ordinal);

    public void Add(string name, Measurement measurement)
    {
        if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
        list.Add(measurement);
    }

    /// <summary>Median wall-clock and median CPU seconds (each taken on its own).</summary>
    public Measurement Median(string name)
        => new(Stats.Median(_values[name].Select(m => m.Seconds).ToList()), Stats.Median(_values[name].Select(m => m.CpuSeconds).ToList()));

    /// <summary>
    /// Ratio of the fastest wall-clock runs of two sides. On a shared machine, load only ever adds time, so the best
    /// runs are the closest to the intrinsic cost; this complements the ratio of medians.
    /// </summary>
    public double BestRatio(string measured, string baseline)
        => Math.Round(_values[measured].Min(m => m.Seconds) / _values[baseline].Min(m => m.Seconds), 3);

    /// <summary>Every wall-clock sample, in run order.</summary>
    public JsonArray All(string name) => new(_values[name].Select(m => (JsonNode)Stats.Round(m.Seconds)).ToArray());
}

internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new InvalidOperationException("No samples.");
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double Round(double seconds) => Math.Round(seconds, 4);
}

internal static class Timing
{
    /// <summary>
    /// Wall-clock and process CPU seconds taken by <paramref name="action"/>, after a full collection so garbage of
    /// earlier runs is not billed to it.
    /// </summary>
    public static async Task<Measurement> TimeAsync(Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await action().ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return new Measurement(seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>
    /// Runs each side once per repeat, rotating which goes first so that drift in a shared machine (other load,
    /// page cache, thermal state) falls on every side alike. Each side records its own samples.
    /// </summary>
    public static async Task InterleaveAsync(int repeats, CancellationToken cancellationToken, params Func<int, Task>[] sides)
    {
        for (var r = 0; r < repeats; r++)
        {
            for (var j = 0; j < sides.Length; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await sides[(r + j) % sides.Length](r).ConfigureAwait(false);
            }
        }
    }
}

internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Write(string message)
        => Console.Error.WriteLine($"[{Clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),7}s] {message}");
}
