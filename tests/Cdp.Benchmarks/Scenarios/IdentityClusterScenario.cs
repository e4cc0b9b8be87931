using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Identity.Graph;
using Cdp.Identity.Resolution;
using Cdp.Lake;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// A whole first identity run (<see cref="IdentityResolver.RunAsync"/>: read the edge table from the lake, number and
/// aggregate it in SQL, cluster, assign ids, gate, write the person map, edge decisions and run ledger as Delta)
/// against DuckDB scanning the same edge table and writing as many rows as the person map holds (its distinct
/// identifiers) to one Parquet file. Also times <see cref="ConstrainedClustering.Cluster"/> alone on the same graph.
/// </summary>
/// <remarks>
/// The edges: five per synthetic person (customer number - e-mail, order - e-mail, order - cookie, cookie - web
/// session, customer number - phone); for two persons in 25 the last edge is instead their cookie - a household
/// device they share, so one of the two device links is refused as soft. Persons are small clusters of 6 identifiers.
/// </remarks>
internal sealed class IdentityClusterScenario : IScenario
{
    public string Name => "identity-cluster";

    public string Description => "identity run over N edges (SQL, clustering, Delta writes) vs DuckDB scan + Parquet write of its identifiers";

    public long DefaultSize => 1_000_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var persons = Math.Max(1, context.Size / 5);
        var edges = persons * 5;
        var lakeUri = context.Workspace.NewFolder("lake");
        await using var lake = new LakeSession();
        var engine = lake.Engine;

        var generate = await Timing.TimeAsync(() => lake.Writer.WriteAsync(lake.OpenTable(Path.Combine(lakeUri, "silver", "identity_edges")),
            EdgesQuery(persons), WriteMode.Append, cancellationToken: cancellationToken)).ConfigureAwait(false);
        Log.Write($"  wrote {edges.ToString("N0", CultureInfo.InvariantCulture)} edges for {persons.ToString("N0", CultureInfo.InvariantCulture)} persons in {generate.Seconds:F1}s");
        await lake.RegisterLakeAsync(lakeUri, cancellationToken).ConfigureAwait(false);
        const string EdgeTable = "silver.identity_edges";

        var resolver = new IdentityResolver(engine, IdentityRules.Default);
        var samples = new Samples();
        ResolutionResult? last = null;
        long baselineRows = 0;

        async Task ResolveAsync(int repeat)
        {
            var output = context.Workspace.NewFolder($"run{repeat}");
            var tables = new IdentityTables(EdgeTable, null, null, name => lake.OpenTable(Path.Combine(output, name)));
            var m = await Timing.TimeAsync(async () => last = await resolver.RunAsync(tables, cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            if (!last!.Published) throw new InvalidOperationException("the run failed its health gate: " + string.Join("; ", last.Violations));
            samples.Add("resolve", m);
            samples.Add("read", new Measurement(last.ReadSeconds, 0));
            samples.Add("cluster_assign_gate", new Measurement(last.ClusterSeconds, 0));
            samples.Add("write", new Measurement(last.WriteSeconds, 0));
            Log.Write($"  resolve {m.Seconds:F2}s (sql+load {last.ReadSeconds:F2}s, cluster+ids+gate {last.ClusterSeconds:F2}s, write {last.WriteSeconds:F2}s)");
            Workspace.Delete(output);
        }

        async Task BaselineAsync(int repeat)
        {
            var file = Path.Combine(context.Workspace.Root, $"baseline{repeat}.parquet");
            var m = await Timing.TimeAsync(async () =>
            {
                var result = await engine.QueryAsync($"""
                    COPY (
                        SELECT type AS identifier_type, value AS identifier_value, hash(type, value) % {persons} AS person_id
                        FROM (SELECT left_type AS type, left_value AS value FROM {EdgeTable} UNION SELECT right_type, right_value FROM {EdgeTable})
                    ) TO {Sql.Literal(file)} (FORMAT parquet, COMPRESSION snappy, RETURN_STATS true)
                    """, cancellationToken).ConfigureAwait(false);
                baselineRows = result.Rows.Sum(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
            }).ConfigureAwait(false);
            samples.Add("baseline", m);
            Log.Write($"  baseline {m.Seconds:F2}s ({baselineRows:N0} rows)");
            Workspace.Delete(file);
        }

        await Timing.InterleaveAsync(context.Repeat, cancellationToken, ResolveAsync, BaselineAsync).ConfigureAwait(false);
        var run = last!.Run;
        var mapRows = run.Identifiers;
        if (baselineRows != mapRows) throw new InvalidOperationException($"the baseline wrote {baselineRows} rows, the person map {mapRows}");

        var clusterSeconds = await TimeClusteringAsync(engine, EdgeTable, context.Repeat, cancellationToken).ConfigureAwait(false);
        Log.Write($"  ConstrainedClustering alone: {clusterSeconds:F3}s for {run.Edges:N0} distinct edges");
        var resolve = samples.Median("resolve");
        return new ScenarioResult(resolve, samples.Median("baseline"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("resolve", "baseline"),
            ["edge_rows"] = edges,
            ["edges"] = run.Edges,
            ["identifiers"] = run.Identifiers,
            ["persons"] = run.Health.Persons,
            ["blocked_soft"] = run.Health.EdgesByDecision[EdgeDecision.BlockedSoft],
            ["sql_and_load_seconds"] = Stats.Round(samples.Median("read").Seconds),
            ["cluster_ids_gate_seconds"] = Stats.Round(samples.Median("cluster_assign_gate").Seconds),
            ["write_seconds"] = Stats.Round(samples.Median("write").Seconds),
            ["union_find_seconds"] = Stats.Round(clusterSeconds),
            ["union_find_edges_per_second"] = Math.Round(run.Edges / clusterSeconds),
            ["edges_per_second"] = Math.Round(edges / resolve.Seconds),
            ["peak_working_set_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
            ["seconds_all"] = samples.All("resolve"),
            ["baseline_all"] = samples.All("baseline"),
        });
    }

    /// <summary>
    /// Median seconds of <see cref="ConstrainedClustering.Cluster"/> alone, on the graph the resolver builds: loaded
    /// once through the resolver's own steps, outside the timing.
    /// </summary>
    private static async Task<double> TimeClusteringAsync(DuckDbEngine engine, string edges, int repeats, CancellationToken ct)
    {
        var steps = new ResolutionSteps(engine, IdentityRules.Default);
        try
        {
            await steps.PrepareAsync(edges, null, ct).ConfigureAwait(false);
            var loaded = await steps.LoadGraphAsync(ct).ConfigureAwait(false);
            var (graph, preBlocked) = (loaded.Graph, loaded.PreBlocked);
            var seconds = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                GC.Collect();
                var watch = Stopwatch.StartNew();
                ConstrainedClustering.Cluster(graph, preBlocked, ct);
                seconds.Add(watch.Elapsed.TotalSeconds);
            }
            return Stats.Median(seconds);
        }
        finally
        {
            await steps.CleanUpAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Five edges per person, the columns of the identity_edges model; deterministic (range() only).</summary>
    private static string EdgesQuery(long persons) => $"""
        WITH p AS (
            SELECT i, lpad(i::VARCHAR, 10, '0') AS n, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i % 525600) AS seen
            FROM range({persons}) t(i)
        )
        SELECT 'customer_number' AS left_type, 'C' || n AS left_value, 'email' AS right_type, 'u' || n || '@example.com' AS right_value,
               'crm_email' AS rule, 'crm' AS source, 'crm-' || n AS record_id, seen AS observed_at FROM p
        UNION ALL
        SELECT 'order_id', 'O' || n, 'email', 'u' || n || '@example.com', 'order_email', 'shop', 'O' || n, seen FROM p
        UNION ALL
        SELECT 'order_id', 'O' || n, 'cookie', 'K' || n, 'order_cookie', 'web', 'O' || n, seen FROM p
        UNION ALL
        SELECT 'cookie', 'K' || n, 'web_session', 'S' || n, 'session_cookie', 'web', 'S' || n, seen FROM p
        UNION ALL
        SELECT CASE WHEN i % 25 < 2 THEN 'cookie' ELSE 'customer_number' END,
               CASE WHEN i % 25 < 2 THEN 'K' || n ELSE 'C' || n END,
               CASE WHEN i % 25 < 2 THEN 'device' ELSE 'phone' END,
               CASE WHEN i % 25 < 2 THEN 'D' || (i // 25)::VARCHAR ELSE '+3361' || n END,
               CASE WHEN i % 25 < 2 THEN 'app_device' ELSE 'crm_phone' END, 'crm', 'crm-' || n, seen FROM p
        """;
}
