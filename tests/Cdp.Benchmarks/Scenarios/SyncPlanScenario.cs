using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// <see cref="SyncPlanner.PlanAsync"/> of an N-member audience against a ledger that holds N accepted members (an
/// intent and an accepted outcome each, as syncs write them) of whom 10% changed their email since, 1% left the
/// audience and as many joined: N/10 updates, N/100 removes and N/100 adds, planned into batches of 10,000 with every
/// record in memory. Baseline: DuckDB's bare diff of the same two relations (the membership with the same
/// fingerprint, joined to the accepted outcomes read from the ledger's Parquet files), its changed rows fetched into
/// the process. Also the first plan of the audience (no ledger yet: N adds) against the bare query fetching the
/// members with their fingerprint. The managed heap is sampled during each plan (the plan holds every record).
/// </summary>
internal sealed class SyncPlanScenario : IScenario
{
    private const int BatchSize = 10_000;
    private static readonly string[] Columns = ["email", "first_name", "phone"];

    public string Name => "sync-plan";

    public string Description => "SyncPlanner.PlanAsync of N members vs a ledger of N (10% changed, 1% removed) vs DuckDB's bare diff";

    public long DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var n = context.Size;
        var moved = Math.Max(1, n / 100);
        await using var engine = new DuckDbEngine();
        var lake = context.Workspace.NewFolder("lake");
        var empty = context.Workspace.NewFolder("empty-lake");
        DeltaTable Open(string root, string name) => new(new LocalObjectStore(Path.Combine(root, "gold", name)), new DuckDbCheckpointFormat(engine));

        var setup = await Timing.TimeAsync(async () =>
        {
            await engine.ExecuteAsync(Members("members_before", 1, n), cancellationToken).ConfigureAwait(false);
            await new DeltaWriter(engine).WriteAsync(Open(lake, SyncLedger.TableName), Ledger("members_before"), WriteMode.Append,
                new WriteOptions { TableName = SyncLedger.TableName }, cancellationToken).ConfigureAwait(false);
            // Persons 1..moved left, n+1..n+moved joined, and every tenth person's email changed.
            await engine.ExecuteAsync($"""
                CREATE TABLE members AS
                SELECT * REPLACE (CASE WHEN person_id % 10 = 0 THEN 'moved' || person_id || '@example.org' ELSE email END AS email)
                FROM ({Members(null, moved + 1, n + moved)})
                """, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var expectedUpdates = CountMultiplesOf10(moved + 1, n);
        Log.Write($"  built {n:N0} members and a ledger of {2 * n:N0} rows in {setup.Seconds:F1}s");

        var ledger = new SyncLedger(engine, name => Open(lake, name));
        var noLedger = new SyncLedger(engine, name => Open(empty, name));
        var request = new SyncRequest("bench-hook", "bench", "members", "email", Columns, BatchSize);
        var ledgerFiles = Directory.EnumerateFiles(Path.Combine(lake, "gold", SyncLedger.TableName), "*.parquet", SearchOption.AllDirectories).ToList();
        var ledgerScan = $"read_parquet({Sql.StringList(ledgerFiles)})";

        var samples = new Samples();
        var memory = new Dictionary<string, (double Peak, double Allocated)>(StringComparer.Ordinal);
        async Task MeasureAsync(string side, Func<Task<object>> action, Action<object> check)
        {
            object? result = null;
            ManagedMemory? heap = null;
            // Settle the heap (finalizers included) outside the timing, so the sampler's start is the live heap.
            GC.GetTotalMemory(forceFullCollection: true);
            var m = await Timing.TimeAsync(async () =>
            {
                heap = new ManagedMemory();
                result = await action().ConfigureAwait(false);
                heap.Stop();
            }).ConfigureAwait(false);
            check(result!);
            result = null;
            samples.Add(side, m);
            memory[side] = (heap!.PeakMb, heap.AllocatedMb);
            heap.Dispose();
            Log.Write($"  {side}: {m.Seconds:F2}s ({m.CpuSeconds:F2}s CPU), managed heap peak +{heap.PeakMb:F0} MB, allocated {heap.AllocatedMb:F0} MB");
        }

        var steps = new Dictionary<string, Dictionary<string, List<double>>>(StringComparer.Ordinal) { ["plan"] = [], ["initial"] = [] };
        void CheckPlan(object o, long adds, long updates, long removes)
        {
            var plan = (SyncPlan)o;
            foreach (var t in plan.Timings)
            {
                var side = steps[plan.Counts.Held == 0 ? "initial" : "plan"];
                if (!side.TryGetValue(t.Step, out var list)) side[t.Step] = list = [];
                list.Add(t.Elapsed.TotalSeconds);
            }
            if ((plan.Counts.Adds, plan.Counts.Updates, plan.Counts.Removes) != (adds, updates, removes))
                throw new InvalidOperationException($"plan has {plan.Counts.Adds}/{plan.Counts.Updates}/{plan.Counts.Removes} adds/updates/removes, expected {adds}/{updates}/{removes}");
        }
        void CheckRows(object o, long rows)
        {
            var count = ((QueryResult)o).Rows.Count;
            if (count != rows) throw new InvalidOperationException($"the bare query returned {count} rows, expected {rows}");
        }

        var changed = moved + expectedUpdates + moved;
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            _ => MeasureAsync("plan", async () => await new SyncPlanner(engine, ledger).PlanAsync(request, cancellationToken).ConfigureAwait(false),
                o => CheckPlan(o, moved, expectedUpdates, moved)),
            _ => MeasureAsync("diff", async () => await engine.QueryAsync(BareDiff(ledgerScan), cancellationToken).ConfigureAwait(false), o => CheckRows(o, changed)),
            _ => MeasureAsync("initial_plan", async () => await new SyncPlanner(engine, noLedger).PlanAsync(request, cancellationToken).ConfigureAwait(false),
                o => CheckPlan(o, n, 0, 0)),
            _ => MeasureAsync("initial_query", async () => await engine.QueryAsync(BareMembers(), cancellationToken).ConfigureAwait(false), o => CheckRows(o, n))).ConfigureAwait(false);

        var plan = samples.Median("plan");
        var diff = samples.Median("diff");
        var initial = samples.Median("initial_plan");
        var initialQuery = samples.Median("initial_query");
        return new ScenarioResult(plan, diff, new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("plan", "diff"),
            ["adds"] = moved,
            ["updates"] = expectedUpdates,
            ["removes"] = moved,
            ["batch_size"] = BatchSize,
            ["ledger_rows"] = 2 * n,
            ["peak_managed_mb"] = memory["plan"].Peak,
            ["allocated_mb"] = memory["plan"].Allocated,
            ["baseline_peak_managed_mb"] = memory["diff"].Peak,
            ["plan_step_seconds"] = StepMedians(steps["plan"]),
            ["initial_seconds"] = Stats.Round(initial.Seconds),
            ["initial_baseline_seconds"] = Stats.Round(initialQuery.Seconds),
            ["initial_ratio"] = Math.Round(initial.Seconds / initialQuery.Seconds, 3),
            ["initial_cpu_ratio"] = Math.Round(initial.CpuSeconds / initialQuery.CpuSeconds, 3),
            ["initial_peak_managed_mb"] = memory["initial_plan"].Peak,
            ["initial_allocated_mb"] = memory["initial_plan"].Allocated,
            ["initial_baseline_peak_managed_mb"] = memory["initial_query"].Peak,
            ["initial_plan_step_seconds"] = StepMedians(steps["initial"]),
            ["seconds_all"] = samples.All("plan"),
            ["baseline_all"] = samples.All("diff"),
            ["initial_all"] = samples.All("initial_plan"),
            ["initial_baseline_all"] = samples.All("initial_query"),
        });
    }

    private static JsonObject StepMedians(Dictionary<string, List<double>> steps)
    {
        var json = new JsonObject();
        foreach (var (step, seconds) in steps) json[step] = Stats.Round(Stats.Median(seconds));
        return json;
    }

    private static long CountMultiplesOf10(long from, long to) => to / 10 - (from - 1) / 10;

    /// <summary>Persons <paramref name="from"/>..<paramref name="to"/>, all with email consent and out of the holdout; a table when named.</summary>
    private static string Members(string? table, long from, long to)
    {
        var select = $"""
            SELECT i::BIGINT AS person_id, 'person' || i || '@example.com' AS email, 'Name' || (i % 1000) AS first_name,
                   '+336' || lpad(i::VARCHAR, 8, '0') AS phone, true AS contactable_email, false AS holdout
            FROM range({from}, {to + 1}) AS t(i)
            """;
        return table is null ? select : $"CREATE TABLE {table} AS {select}";
    }

    /// <summary>The fingerprint the planner computes, over the alias m.</summary>
    private static string Fingerprint => $"sha256(CAST(json_array({string.Join(", ", Columns.Select(c => $"CAST(m.{Sql.Identifier(c)} AS VARCHAR)"))}) AS VARCHAR))";

    /// <summary>An intent and an accepted outcome per member, in batches of 10,000, as a sync writes them.</summary>
    private static string Ledger(string members) => $"""
        SELECT 'bench-run-0' AS run_id, 'bench-hook' AS destination, 'bench' AS audience, 'msg_' || (m.person_id // {BatchSize}) AS batch_id,
               e.event, m.person_id, 'add' AS operation, CASE e.event WHEN 'intent' THEN 'pending' ELSE 'accepted' END AS status,
               CAST(NULL AS VARCHAR) AS reason, {Fingerprint} AS fingerprint,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + (CASE e.event WHEN 'intent' THEN 0 ELSE 1 END) * INTERVAL 1 SECOND AS "at",
               'email' AS channel
        FROM {members} AS m, (VALUES ('intent'), ('outcome')) AS e(event)
        ORDER BY m.person_id
        """;

    /// <summary>The changed rows: adds, updates (fingerprint differs) and removes, with the export fields.</summary>
    private static string BareDiff(string ledgerScan) => $"""
        WITH cur AS (
            SELECT m.person_id, {Fingerprint} AS fingerprint, m.email, m.first_name, m.phone
            FROM members AS m WHERE m.contactable_email AND NOT m.holdout
        ),
        held AS (SELECT person_id, fingerprint FROM {ledgerScan} WHERE event = 'outcome' AND status = 'accepted')
        SELECT coalesce(c.person_id, h.person_id) AS person_id,
               CASE WHEN h.person_id IS NULL THEN 'add' WHEN c.person_id IS NULL THEN 'remove' ELSE 'update' END AS operation,
               coalesce(c.fingerprint, h.fingerprint) AS fingerprint, c.email, c.first_name, c.phone
        FROM cur AS c FULL JOIN held AS h ON h.person_id = c.person_id
        WHERE h.person_id IS NULL OR c.person_id IS NULL OR h.fingerprint <> c.fingerprint
        """;

    private static string BareMembers() => $"""
        SELECT m.person_id, {Fingerprint} AS fingerprint, m.email, m.first_name, m.phone
        FROM members AS m WHERE m.contactable_email AND NOT m.holdout
        """;
}
