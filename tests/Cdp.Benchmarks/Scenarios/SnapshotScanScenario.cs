using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Reads an N-row table (10 appends, so 10 data files) through <see cref="SnapshotScan"/> — building the scan and
/// running count(*) and sum(price) over it — against the same two queries on read_parquet of the same files.
/// The snapshot is loaded once, outside the timing (snapshot-load measures that).
/// </summary>
internal sealed class SnapshotScanScenario : IScenario
{
    private const int Appends = 10;

    public string Name => "snapshot-scan";

    public string Description => "count(*) and sum(price) through SnapshotScan vs read_parquet of the same files";

    public long DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await using var engine = new DuckDbEngine();
        var writer = new DeltaWriter(engine);
        var store = new LocalObjectStore(context.Workspace.NewFolder("table"));
        var table = new DeltaTable(store, new DuckDbCheckpointFormat(engine));

        var build = await Timing.TimeAsync(async () =>
        {
            long start = 0;
            for (var i = 0; i < Appends; i++)
            {
                var rows = context.Size / Appends + (i < context.Size % Appends ? 1 : 0);
                if (rows == 0) continue;
                await writer.WriteAsync(table, CustomerRows.Query(rows, start), WriteMode.Append, cancellationToken: cancellationToken).ConfigureAwait(false);
                start += rows;
            }
        }).ConfigureAwait(false);
        var snapshot = await table.GetSnapshotAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.Write($"  built {snapshot.Files.Count} files in {build.Seconds:F1}s");
        var files = snapshot.Files.Select(f => Path.Combine(store.RootPath, DeltaPath.ToKey(snapshot.Location, f.Path))).ToList();
        var direct = $"read_parquet({Sql.StringList(files)})";

        var samples = new Samples();
        (long Count, decimal Sum)? expected = null;
        void Check(string side, long count, decimal sum)
        {
            if (count != context.Size) throw new InvalidOperationException($"{side}: count(*) is {count}, expected {context.Size}.");
            expected ??= (count, sum);
            if (expected.Value != (count, sum)) throw new InvalidOperationException($"{side}: ({count}, {sum}) differs from ({expected.Value.Count}, {expected.Value.Sum}).");
        }

        async Task ScanAsync(bool record)
        {
            string scan = "";
            long count = 0;
            decimal sum = 0;
            var buildScan = await Timing.TimeAsync(async () =>
                scan = await SnapshotScan.BuildAsync(engine, store, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            var countSeconds = await Timing.TimeAsync(async () => count = await CountAsync(engine, scan, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            var sumSeconds = await Timing.TimeAsync(async () => sum = await SumAsync(engine, scan, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            Check("SnapshotScan", count, sum);
            if (!record) return;
            samples.Add("build_scan", buildScan);
            samples.Add("count", countSeconds);
            samples.Add("sum", sumSeconds);
            samples.Add("scan", buildScan + countSeconds + sumSeconds);
        }

        async Task DirectAsync(bool record)
        {
            var from = $"SELECT * FROM {direct}";
            long count = 0;
            decimal sum = 0;
            var countSeconds = await Timing.TimeAsync(async () => count = await CountAsync(engine, from, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            var sumSeconds = await Timing.TimeAsync(async () => sum = await SumAsync(engine, from, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            Check("read_parquet", count, sum);
            if (!record) return;
            samples.Add("direct_count", countSeconds);
            samples.Add("direct_sum", sumSeconds);
            samples.Add("direct", countSeconds + sumSeconds);
        }

        // Warm-up, not timed.
        await ScanAsync(record: false).ConfigureAwait(false);
        await DirectAsync(record: false).ConfigureAwait(false);

        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            _ => ScanAsync(record: true),
            _ => DirectAsync(record: true)).ConfigureAwait(false);

        Log.Write($"  SnapshotScan {samples.Median("scan").Seconds:F4}s (build {samples.Median("build_scan").Seconds:F4}s, count {samples.Median("count").Seconds:F4}s, sum {samples.Median("sum").Seconds:F4}s); " +
                  $"read_parquet {samples.Median("direct").Seconds:F4}s (count {samples.Median("direct_count").Seconds:F4}s, sum {samples.Median("direct_sum").Seconds:F4}s)");
        return new ScenarioResult(samples.Median("scan"), samples.Median("direct"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("scan", "direct"),
            ["files"] = snapshot.Files.Count,
            ["bytes"] = snapshot.TotalBytes,
            ["build_scan_seconds"] = Stats.Round(samples.Median("build_scan").Seconds),
            ["count_seconds"] = Stats.Round(samples.Median("count").Seconds),
            ["count_baseline_seconds"] = Stats.Round(samples.Median("direct_count").Seconds),
            ["sum_seconds"] = Stats.Round(samples.Median("sum").Seconds),
            ["sum_baseline_seconds"] = Stats.Round(samples.Median("direct_sum").Seconds),
            ["seconds_all"] = samples.All("scan"),
            ["baseline_all"] = samples.All("direct"),
        });
    }

    private static async Task<long> CountAsync(DuckDbEngine engine, string from, CancellationToken ct)
        => Convert.ToInt64((await engine.QueryAsync($"SELECT count(*) FROM ({from}) AS t", ct).ConfigureAwait(false)).Scalar, CultureInfo.InvariantCulture);

    private static async Task<decimal> SumAsync(DuckDbEngine engine, string from, CancellationToken ct)
        => Convert.ToDecimal((await engine.QueryAsync($"SELECT sum(price) FROM ({from}) AS t", ct).ConfigureAwait(false)).Scalar, CultureInfo.InvariantCulture);
}
