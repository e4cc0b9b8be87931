using System.Diagnostics;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Graph;

namespace Cdp.Modeling.Execution;

/// <summary>
/// Runs the selected nodes of a compiled project against a lake in DAG order: every node starts as soon as its
/// parents succeeded, up to <c>threads</c> at once, each on its own connection to one in-memory DuckDB database.
/// What depends on a failed node (or, in a build, on a failed test of its parent) is skipped.
/// </summary>
public sealed class ModelRunner(LakeSession lake, string lakeUri)
{
    public async Task<RunSummary> RunAsync(CompiledProject project, IReadOnlySet<string> selection, RunOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var graph = project.Graph;
        var selected = selection.Where(id => Runs(graph[id], options.Mode)).ToHashSet(StringComparer.Ordinal);
        var parents = ExecutionParents(graph, selected, options.Mode);

        // The relations a view selects from, through ephemeral models, as stored with the view.
        IReadOnlyList<string> UpstreamRelations(Node node)
            => graph.Reachable(node.UniqueId, downstream: false).Select(id => graph[id])
                .Where(n => n.Kind is NodeKind.Model or NodeKind.Seed or NodeKind.Source && n.Materialized != Materializations.Ephemeral)
                .Select(n => n.Schema + "." + n.Alias).Order(StringComparer.Ordinal).ToList();

        await ExposeExistingRelationsAsync(project, cancellationToken).ConfigureAwait(false);

        var threads = Math.Max(1, options.Threads ?? project.Target.Threads ?? Environment.ProcessorCount);
        var connections = new Stack<(DuckDbEngine Engine, Materializer Materializer, int Thread)>();
        for (var i = threads; i >= 1; i--)
        {
            var fork = lake.Engine.Fork();
            connections.Push((fork, new Materializer(lake, lakeUri, fork, project.Options.InvocationId, UpstreamRelations), i));
        }

        var results = new List<NodeResult>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var waiting = selected.ToDictionary(id => id, id => parents[id].Count, StringComparer.Ordinal);
        var ready = new SortedSet<string>(waiting.Where(w => w.Value == 0).Select(w => w.Key), StringComparer.Ordinal);
        var running = new Dictionary<Task<NodeResult>, (DuckDbEngine, Materializer, int)>();
        var children = selected.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, ps) in parents)
        {
            foreach (var p in ps) children[p].Add(id);
        }

        void Record(NodeResult result)
        {
            results.Add(result);
            finished.Add(result.UniqueId);
            options.Progress?.Report(result);
        }

        void SkipDownstream(string failed)
        {
            var queue = new Queue<string>(children[failed]);
            while (queue.Count > 0)
            {
                var id = queue.Dequeue();
                if (finished.Contains(id)) continue;
                var node = graph[id];
                var now = DateTimeOffset.UtcNow;
                Record(new NodeResult
                {
                    UniqueId = id, Name = node.Name, Kind = node.Kind, Status = NodeStatus.Skipped, Materialized = node.Materialized,
                    Message = $"skipped: upstream '{graph[failed].Name}' did not succeed", StartedAt = now, CompletedAt = now,
                });
                ready.Remove(id);
                foreach (var c in children[id]) queue.Enqueue(c);
            }
        }

        try
        {
            while (ready.Count > 0 || running.Count > 0)
            {
                while (ready.Count > 0 && connections.Count > 0)
                {
                    var id = ready.Min!;
                    ready.Remove(id);
                    var connection = connections.Pop();
                    running[ExecuteAsync(graph[id], connection.Materializer, connection.Thread, cancellationToken)] = connection;
                }
                var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                connections.Push(running[done]);
                running.Remove(done);
                var result = await done.ConfigureAwait(false);
                Record(result);
                if (NodeStatus.IsFailure(result.Status))
                {
                    SkipDownstream(result.UniqueId);
                    continue;
                }
                foreach (var child in children[result.UniqueId])
                {
                    if (!finished.Contains(child) && --waiting[child] == 0) ready.Add(child);
                }
            }
        }
        finally
        {
            // On cancellation, let running statements see the token and stop before the connections close.
            if (running.Count > 0) await Task.WhenAll(running.Keys.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            foreach (var (engine, _, _) in connections) engine.Dispose();
            foreach (var (engine, _, _) in running.Values) engine.Dispose();
        }
        if (results.Count != selected.Count)
        {
            var stuck = selected.Where(id => !finished.Contains(id)).Order(StringComparer.Ordinal).Take(5);
            throw new InvalidOperationException($"Bug: {selected.Count - results.Count} selected node(s) never became ready ({string.Join(", ", stuck)}): the execution order has a cycle.");
        }
        return new RunSummary(results, clock.Elapsed, project.Options.InvocationId);
    }

    private static bool Runs(Node node, RunMode mode) => mode switch
    {
        RunMode.Run => node.Kind == NodeKind.Model,
        RunMode.Test => node.Kind == NodeKind.Test,
        RunMode.Seed => node.Kind == NodeKind.Seed,
        _ => node.Kind is NodeKind.Model or NodeKind.Seed or NodeKind.Test,
    };

    /// <summary>
    /// Who waits for whom among the selected nodes. In a build, a model's children also wait for the model's tests,
    /// so a failing test stops everything downstream of what it tested.
    /// </summary>
    private static Dictionary<string, List<string>> ExecutionParents(NodeGraph graph, HashSet<string> selected, RunMode mode)
    {
        var parents = selected.ToDictionary(id => id, id => graph.Parents(id).Where(selected.Contains).ToList(), StringComparer.Ordinal);
        if (mode != RunMode.Build) return parents;
        foreach (var test in selected.Where(id => graph[id].Kind == NodeKind.Test))
        {
            // A generic test tests the node it is declared on; the other relation it reads (a relationships test's
            // `to`) is only read. Waiting on it too would make two siblings that both point at one parent wait for
            // each other's tests: a cycle in which nothing runs.
            IEnumerable<string> testedNodes = graph[test].Test is { } generic ? [generic.AttachedNodeId] : graph.Parents(test);
            foreach (var tested in testedNodes)
            {
                foreach (var child in graph.Children(tested).Where(c => selected.Contains(c) && graph[c].Kind != NodeKind.Test))
                {
                    // A relationships test reads two parents; never make a test wait for itself through a child.
                    if (!graph.Reachable(child, downstream: true).Contains(test) && !parents[child].Contains(test)) parents[child].Add(test);
                }
            }
        }
        return parents;
    }

    private async Task<NodeResult> ExecuteAsync(Node node, Materializer materializer, int thread, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        await Task.Yield();
        try
        {
            if (node.Kind == NodeKind.Test)
            {
                var failures = await materializer.CountFailuresAsync(node, ct).ConfigureAwait(false);
                var (status, message) = TestOutcome(node, failures);
                return new NodeResult
                {
                    UniqueId = node.UniqueId, Name = node.Name, Kind = node.Kind, Status = status, Message = message, Failures = failures,
                    Materialized = node.Materialized, StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Thread = thread,
                };
            }
            var (rows, version, text) = await materializer.ExecuteAsync(node, ct).ConfigureAwait(false);
            return new NodeResult
            {
                UniqueId = node.UniqueId, Name = node.Name, Kind = node.Kind, Status = NodeStatus.Success, Message = text, RowsAffected = rows, Version = version,
                Materialized = node.Materialized, Relation = node.RelationName, StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Thread = thread,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One node's failure is its result, never the run's crash: the other branches of the DAG go on.
            var where = node.CompiledPath is null ? "" : $" (compiled SQL: {node.CompiledPath})";
            return new NodeResult
            {
                UniqueId = node.UniqueId, Name = node.Name, Kind = node.Kind, Status = NodeStatus.Error, Materialized = node.Materialized,
                Message = $"{KindName(node)} '{node.Name}' failed{where}: {Describe(e)}", StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Thread = thread,
            };
        }
    }

    private static string Describe(Exception e)
        => e is SqlEngineException or DeltaException or LakeException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}";

    private static string KindName(Node node) => node.Kind.ToString().ToLowerInvariant();

    /// <summary>dbt's rule: with severity error, error_if decides failure, else warn_if decides a warning.</summary>
    private static (string Status, string Message) TestOutcome(Node test, long failures)
    {
        var severity = (test.Config.GetValueOrDefault("severity") as string ?? "error").ToLowerInvariant();
        var errorIf = test.Config.GetValueOrDefault("error_if") as string ?? "!= 0";
        var warnIf = test.Config.GetValueOrDefault("warn_if") as string ?? "!= 0";
        var rows = failures == 1 ? "1 failing row" : $"{failures} failing rows";
        if (severity == "error" && GenericTests.Meets(failures, errorIf)) return (NodeStatus.Fail, $"{rows} ({test.Name})");
        if (GenericTests.Meets(failures, warnIf)) return (NodeStatus.Warn, $"{rows} ({test.Name}; severity warn)");
        return (NodeStatus.Pass, "");
    }

    /// <summary>
    /// Makes every relation that already exists visible before the run: stored views, and views over the current
    /// snapshot of each table, seed and source of the project, so unselected upstream models can be read.
    /// </summary>
    private async Task ExposeExistingRelationsAsync(CompiledProject project, CancellationToken ct)
    {
        foreach (var node in project.Graph.Nodes.Where(n => LakeLayout.IsTable(n) || n.Kind == NodeKind.Source))
        {
            var table = lake.OpenTable(LakeLayout.TableUri(lakeUri, node));
            var snapshot = await table.TryGetSnapshotAsync(ct).ConfigureAwait(false);
            if (snapshot is null) continue;
            await lake.Engine.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(node.Schema)}", ct).ConfigureAwait(false);
            await SnapshotScan.CreateViewAsync(lake.Engine, table.Store, snapshot, node.RelationName, ct).ConfigureAwait(false);
        }
        // Stored views last: they select from the tables above.
        await LakeViews.RegisterAsync(lake.Engine, lake.Store(lakeUri), ct).ConfigureAwait(false);
        // Schemas are created here, once: two connections creating the same schema at once would conflict.
        foreach (var schema in project.Graph.Nodes.Where(n => n.Kind is NodeKind.Model or NodeKind.Seed).Select(n => n.Schema).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await lake.Engine.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(schema)}", ct).ConfigureAwait(false);
        }
    }
}
