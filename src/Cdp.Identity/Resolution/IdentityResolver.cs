using System.Diagnostics;
using Cdp.Engine;
using Cdp.Identity.Graph;
using Cdp.Identity.Matching;

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
            var scored = await ScoredEdgesAsync(progress, cancellationToken).ConfigureAwait(false);
            progress?.Report("numbering identifiers and aggregating edges");
            await _steps.PrepareAsync(tables.EdgesRelation, scored, cancellationToken).ConfigureAwait(false);
            var loaded = await _steps.LoadGraphAsync(cancellationToken).ConfigureAwait(false);
            var (graph, preBlocked) = (loaded.Graph, loaded.PreBlocked);
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
            await _steps.WriteResultsAsync(tables, run, clustering, loaded, cancellationToken).ConfigureAwait(false);
            await _steps.WriteRunAsync(tables, run, "published", violations, cancellationToken).ConfigureAwait(false);
            return new ResolutionResult(run, Published: true, violations, readSeconds, clusterSeconds, writeWatch.Elapsed.TotalSeconds);
        }
        finally
        {
            await _steps.CleanUpAsync().ConfigureAwait(false);
        }
    }

    private const string ScoredEdges = "_cdp_id_scored_edges";

    /// <summary>Runs each probabilistic matching rule and keeps its links above threshold as edges; null when there are none.</summary>
    private async Task<string?> ScoredEdgesAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (rules.Matching.Count == 0) return null;
        await engine.ExecuteAsync($"""
            create or replace temp table {ScoredEdges}(left_type VARCHAR, left_value VARCHAR, right_type VARCHAR, right_value VARCHAR,
                rule VARCHAR, source VARCHAR, record_id VARCHAR, observed_at TIMESTAMPTZ, priority INTEGER, match_probability DOUBLE)
            """, ct).ConfigureAwait(false);
        foreach (var rule in rules.Matching)
        {
            progress?.Report($"matching {rule.Relation} ({rule.Name})");
            MatchSettings settings;
            try
            {
                settings = await MatchSettingsReader.LoadAsync(rule.SettingsPath, ct).ConfigureAwait(false);
            }
            catch (MatchException e)
            {
                throw new IdentityException($"identity.matching.{rule.Name}: {e.Message}");
            }
            try
            {
                await engine.ExecuteAsync($"select * from {rule.Relation} limit 0", ct).ConfigureAwait(false);
            }
            catch (SqlEngineException e)
            {
                throw new IdentityException($"identity.matching.{rule.Name}: cannot read {rule.Relation} ({e.Message.Split('\n')[0]}); build it first, e.g. cdp models build -s tag:identity");
            }
            var result = await Matcher.RunAsync(engine, $"select * from {rule.Relation}", settings, ct).ConfigureAwait(false);
            var type = Sql.Literal(rule.IdentifierType);
            await engine.ExecuteAsync($"""
                insert into {ScoredEdges}
                select {type}, id_l, {type}, id_r, {Sql.Literal("match:" + rule.Name)}, {Sql.Literal(rule.Relation)},
                       id_l || ' ~ ' || id_r || ' p=' || round(match_probability, 4), null, {rule.Priority}, match_probability
                from {result.PairsTable}
                where match_weight >= {result.Parameters.ThresholdWeight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}
                """, ct).ConfigureAwait(false);
        }
        return ScoredEdges;
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
