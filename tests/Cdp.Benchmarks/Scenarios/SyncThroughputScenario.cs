using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Activation.Destinations;
using Cdp.Activation.Execution;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Activation.Sandbox;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Rows per second that <see cref="SyncExecutor"/> delivers through <see cref="WebhookDestination"/> configured with
/// batches of 500, 4 in flight and 20 requests/s, to a <see cref="WebhookContractServer"/> on 127.0.0.1 taking 500
/// members per request and 25 requests in any second (429 beyond: as in the tests, the destination is configured a
/// little under the platform's limit, since a request paced at exactly the limit can arrive early after a slower one).
/// The ceiling is the configured 20 x 500 = 10,000 rows/s; the figure is <c>fraction_of_limit</c> (target at least
/// 0.9). Every batch commits its intent and its outcomes to the Delta ledger. The plan is made before the timing. Baseline, timed in the same
/// run: the same destination posting the same batches to a fresh server with the same pacing and concurrency, with
/// no executor (no ledger, retries or splitting), so the ratio is what the executor and its ledger add.
/// </summary>
internal sealed class SyncThroughputScenario : IScenario
{
    private const int BatchSize = 500;
    private const int Concurrency = 4;
    private const int RequestsPerSecond = 20;
    private const int PlatformRequestsPerSecond = 25;
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SecretVariable = "CDP_BENCH_WEBHOOK_SECRET";

    public string Name => "sync-throughput";

    public string Description => "rows/s from SyncExecutor through a webhook to a rate-limited local receiver, as a fraction of the limit";

    public long DefaultSize => 200_000;

    public int DefaultRepeat => 1;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var n = context.Size;
        await using var engine = new DuckDbEngine();
        await engine.ExecuteAsync($"""
            CREATE TABLE members AS
            SELECT i::BIGINT AS person_id, 'person' || i || '@example.com' AS email, 'Name' || (i % 1000) AS first_name,
                   '+336' || lpad(i::VARCHAR, 8, '0') AS phone, true AS contactable_email, false AS holdout
            FROM range(1, {n + 1}) AS t(i)
            """, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var limits = new DestinationLimits(BatchSize, Concurrency, RequestsPerSecond);
        WebhookDestination Destination(WebhookContractServer server)
            => new(new WebhookOptions("bench-hook", "email", server.Endpoint, SecretVariable, limits), http, v => v == SecretVariable ? Secret : null);
        var request = new SyncRequest("bench-hook", "bench", "members", "email", ["email", "first_name", "phone"], BatchSize);
        var limitRowsPerSecond = (double)RequestsPerSecond * BatchSize;

        var samples = new Samples();
        var extra = new JsonObject();
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var lake = context.Workspace.NewFolder("lake");
                var ledger = new SyncLedger(engine, name => new DeltaTable(new LocalObjectStore(Path.Combine(lake, "gold", name)), new DuckDbCheckpointFormat(engine)));
                var plan = await new SyncPlanner(engine, ledger).PlanAsync(request, cancellationToken).ConfigureAwait(false);
                await using var server = new WebhookContractServer(Secret, BatchSize, PlatformRequestsPerSecond);
                SyncReport? report = null;
                var m = await Timing.TimeAsync(async () =>
                    report = await new SyncExecutor(ledger).ExecuteAsync(Destination(server), plan, $"bench-{r}", cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                if (report!.Accepted != n || server.Members.Count != n)
                    throw new InvalidOperationException($"the executor delivered {report.Accepted} of {n} rows (the receiver holds {server.Members.Count}; error {report.Error})");
                samples.Add("executor", m);
                extra["requests"] = report.Requests;
                extra["rate_limited_429"] = server.RateViolations;
                extra["batches"] = plan.Counts.BatchCount;
                var ledgerTable = new DeltaTable(new LocalObjectStore(Path.Combine(lake, "gold", SyncLedger.TableName)), new DuckDbCheckpointFormat(engine));
                extra["ledger_commits"] = (await ledgerTable.GetSnapshotAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Version + 1;
                extra["ledger_appends"] = 2 * plan.Counts.BatchCount;
                Log.Write($"  executor: {n:N0} rows in {m.Seconds:F2}s = {n / m.Seconds:N0} rows/s ({n / m.Seconds / limitRowsPerSecond:P1} of the limit; " +
                          $"{report.Requests} requests, {server.RateViolations} answered 429, {m.CpuSeconds:F1}s CPU)");
            },
            async r =>
            {
                // The same batches, announced by nobody: only the destination's own work and the pacing.
                var planner = new SyncPlanner(engine, new SyncLedger(engine, name => new DeltaTable(
                    new LocalObjectStore(Path.Combine(context.Workspace.NewFolder("unused"), "gold", name)), new DuckDbCheckpointFormat(engine))));
                var plan = await planner.PlanAsync(request, cancellationToken).ConfigureAwait(false);
                await using var server = new WebhookContractServer(Secret, BatchSize, PlatformRequestsPerSecond);
                var destination = Destination(server);
                var accepted = 0L;
                var m = await Timing.TimeAsync(() => PacedAsync(plan, destination, $"bare-{r}", b => Interlocked.Add(ref accepted, b), cancellationToken)).ConfigureAwait(false);
                if (accepted != n || server.Members.Count != n)
                    throw new InvalidOperationException($"the bare client delivered {accepted} of {n} rows ({server.RateViolations} answered 429)");
                samples.Add("bare", m);
                extra["baseline_rate_limited_429"] = server.RateViolations;
                Log.Write($"  bare client: {n:N0} rows in {m.Seconds:F2}s = {n / m.Seconds:N0} rows/s ({server.RateViolations} answered 429, {m.CpuSeconds:F1}s CPU)");
            }).ConfigureAwait(false);

        var executor = samples.Median("executor");
        var bare = samples.Median("bare");
        extra["rows_per_second"] = Math.Round(n / executor.Seconds);
        extra["limit_rows_per_second"] = limitRowsPerSecond;
        extra["fraction_of_limit"] = Math.Round(n / executor.Seconds / limitRowsPerSecond, 3);
        extra["baseline_rows_per_second"] = Math.Round(n / bare.Seconds);
        extra["baseline_fraction_of_limit"] = Math.Round(n / bare.Seconds / limitRowsPerSecond, 3);
        extra["batch_size"] = BatchSize;
        extra["concurrency"] = Concurrency;
        extra["requests_per_second"] = RequestsPerSecond;
        extra["platform_requests_per_second"] = PlatformRequestsPerSecond;
        extra["seconds_all"] = samples.All("executor");
        extra["baseline_all"] = samples.All("bare");
        return new ScenarioResult(executor, bare, extra);
    }

    /// <summary>Posts every batch with request starts 1/rate apart and at most <see cref="Concurrency"/> in flight; a 429 is retried after its Retry-After.</summary>
    private static async Task PacedAsync(SyncPlan plan, WebhookDestination destination, string runId, Action<long> accepted, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1.0 / RequestsPerSecond);
        var clock = Stopwatch.StartNew();
        var slot = -1L;
        async Task WaitForSlotAsync()
        {
            var start = interval * Interlocked.Increment(ref slot);
            var wait = start - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct };
        var batches = plan.AllBatches.Select((b, i) => (Batch: b, Id: $"{runId}-{i.ToString(CultureInfo.InvariantCulture)}")).ToList();
        await Parallel.ForEachAsync(batches, options, async (item, token) =>
        {
            var delivery = new DeliveryBatch(runId, plan.Request.Audience, item.Id, item.Batch.Operation, plan.Request.ExportColumns, item.Batch.Records, DateTimeOffset.UtcNow);
            while (true)
            {
                await WaitForSlotAsync().ConfigureAwait(false);
                var response = await destination.SendAsync(delivery, token).ConfigureAwait(false);
                if (response.Status == DeliveryStatus.Accepted)
                {
                    accepted(item.Batch.Records.Count - response.Rejections.Count);
                    return;
                }
                if (response.Status != DeliveryStatus.Transient) throw new InvalidOperationException($"batch {item.Id} refused: {response.Reason}");
                if (response.RetryAfter is { } after) await Task.Delay(after, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }
}
