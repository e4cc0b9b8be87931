using System.Diagnostics;
using Cdp.Engine;
using Cdp.Identity.Graph;

namespace Cdp.Identity.Resolution;

/// <summary>
/// One identity resolution run: the edges are numbered and aggregated by the engine (named SQL steps, see
/// <see cref="ResolutionSteps"/>), streamed as integer arrays into the clustering, given stable person ids, checked
/// by the health gate, and only then published as Delta tables. A run that fails the gate writes its report to the
/// run ledger and leaves the published person map as it was.
/// </summary>
public sealed class IdentityResolver(DuckDbEngine engine, IdentityRules rules)
{
    private readonly ResolutionSteps _steps = new(engine, rules);

    /// <param name="progress">Receives one line per stage.</param>
    public async Task<ResolutionResult> RunAsync(IdentityTables tables, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var runId = Guid.NewGuid().ToString("N");
        var startedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        try
        {
            progress?.Report("numbering identifiers and aggregating edges");
            await _steps.PrepareAsync(tables.EdgesRelation, cancellationToken).ConfigureAwait(false);
            var graph = await _steps.LoadGraphAsync(cancellationToken).ConfigureAwait(false);
            var preBlocked = await _steps.LoadPreBlockedAsync(graph.EdgeCount, cancellationToken).ConfigureAwait(false);
            var previous = await _steps.LoadPreviousAsync(tables, graph.NodeCount, cancellationToken).ConfigureAwait(false);
            var readSeconds = watch.Elapsed.TotalSeconds;

            progress?.Report($"clustering {graph.NodeCount:N0} identifiers over {graph.EdgeCount:N0} edges");
            var clusterWatch = Stopwatch.StartNew();
            var clustering = ConstrainedClustering.Cluster(graph, preBlocked, cancellationToken);
            var skip = OnlyBlockedNodes(graph, clustering, preBlocked);
            var ids = PersonIdAssignment.Assign(clustering.ClusterOf, clustering.ClusterCount, previous.Person, previous.Origin, previous.NextPersonId, skip);
            var changes = IdentityChanges.Compute(graph, clustering, ids, previous.Person);
            var health = HealthGate.Evaluate(graph, clustering, changes, previous.Persons, rules.Health, skip);
            var clusterSeconds = clusterWatch.Elapsed.TotalSeconds;

            var run = new ResolutionRun(runId, startedAt, graph.NodeCount, graph.EdgeCount, ids, health, changes);
            var violations = await _steps.DescribeViolationsAsync(health, cancellationToken).ConfigureAwait(false);
            if (!health.Passed)
            {
                progress?.Report("health gate failed: the published person map is unchanged");
                await _steps.WriteRunAsync(tables, run, "failed", violations, cancellationToken).ConfigureAwait(false);
                return new ResolutionResult(run, Published: false, violations, readSeconds, clusterSeconds, 0);
            }

            progress?.Report("publishing the person map, edge decisions and changes");
            var writeWatch = Stopwatch.StartNew();
            await _steps.WriteResultsAsync(tables, run, clustering, cancellationToken).ConfigureAwait(false);
            await _steps.WriteRunAsync(tables, run, "published", violations, cancellationToken).ConfigureAwait(false);
            return new ResolutionResult(run, Published: true, violations, readSeconds, clusterSeconds, writeWatch.Elapsed.TotalSeconds);
        }
        finally
        {
            await _steps.CleanUpAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Clusters made only of placeholder values (every edge of theirs refused before clustering) are nobody.</summary>
    private static bool[] OnlyBlockedNodes(IdentifierGraph graph, ClusteringResult clustering, EdgeDecision[] preBlocked)
    {
        var hasFreeEdge = new bool[graph.NodeCount];
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (preBlocked[e] is EdgeDecision.BlockedListed or EdgeDecision.BlockedDetected) continue;
            hasFreeEdge[graph.Left[e]] = true;
            hasFreeEdge[graph.Right[e]] = true;
        }
        var clusterHasFree = new bool[clustering.ClusterCount];
        for (var i = 0; i < graph.NodeCount; i++) clusterHasFree[clustering.ClusterOf[i]] |= hasFreeEdge[i];
        return clusterHasFree.Select(free => !free).ToArray();
    }
}

/// <summary>What a run computed, whether published or not.</summary>
public sealed record ResolutionRun(string RunId, DateTimeOffset StartedAt, int Identifiers, int Edges, PersonIds Ids, HealthReport Health, IReadOnlyList<IdentityChange> Changes)
{
    public int NewPersons => Count(IdOrigin.New);
    public int KeptPersons => Count(IdOrigin.Kept);
    public int RestoredPersons => Count(IdOrigin.Restored);

    private int Count(IdOrigin origin)
    {
        var n = 0;
        for (var c = 0; c < Ids.HowChosen.Length; c++)
        {
            if (Ids.PersonOfCluster[c] >= 0 && Ids.HowChosen[c] == origin) n++;
        }
        return n;
    }
}

/// <summary>The outcome of <see cref="IdentityResolver.RunAsync"/>, with the violations rendered with identifier values.</summary>
public sealed record ResolutionResult(ResolutionRun Run, bool Published, IReadOnlyList<string> Violations, double ReadSeconds, double ClusterSeconds, double WriteSeconds);
