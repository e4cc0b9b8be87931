namespace Cdp.Identity.Graph;

/// <summary>How a person changed since the previous run.</summary>
public enum ChangeKind
{
    /// <summary><c>OtherPersonId</c> no longer exists: its identifiers now belong to <c>PersonId</c>.</summary>
    Merge,

    /// <summary>Some of <c>PersonId</c>'s identifiers now belong to <c>OtherPersonId</c>, and <c>PersonId</c> lives on.</summary>
    Split,
}

/// <summary>One merge or split, with the edge that caused it when one can be named (its index in the graph).</summary>
public sealed record IdentityChange(ChangeKind Kind, long PersonId, long OtherPersonId, int IdentifiersMoved, int CauseEdge, EdgeDecision? CauseDecision);

/// <summary>Merges and splits between the previous run's persons and this run's, with their causes.</summary>
public static class IdentityChanges
{
    public static IReadOnlyList<IdentityChange> Compute(IdentifierGraph graph, ClusteringResult clustering, PersonIds ids, long[] previousPerson)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(clustering);
        ArgumentNullException.ThrowIfNull(ids);
        var moved = new Dictionary<(long From, long To), int>();
        for (var i = 0; i < previousPerson.Length; i++)
        {
            var from = previousPerson[i];
            var to = ids.PersonOfCluster[clustering.ClusterOf[i]];
            if (from >= 0 && to >= 0 && from != to) moved[(from, to)] = moved.GetValueOrDefault((from, to)) + 1;
        }
        if (moved.Count == 0) return [];

        var clusterOfPerson = new Dictionary<long, int>(ids.PersonOfCluster.Length);
        for (var c = 0; c < ids.PersonOfCluster.Length; c++)
        {
            if (ids.PersonOfCluster[c] >= 0) clusterOfPerson[ids.PersonOfCluster[c]] = c;
        }
        var mergeCause = MergeCauses(graph, clustering, previousPerson);
        var splitCause = SplitCauses(graph, clustering, ids);
        var changes = new List<IdentityChange>();
        foreach (var ((from, to), count) in moved.OrderBy(m => m.Key.From).ThenBy(m => m.Key.To))
        {
            if (clusterOfPerson.TryGetValue(from, out var cluster))
            {
                var cause = splitCause.GetValueOrDefault(Pair(cluster, clusterOfPerson[to]), -1);
                changes.Add(new IdentityChange(ChangeKind.Split, from, to, count, cause, cause >= 0 ? clustering.Decisions[cause] : null));
            }
            else
            {
                var cause = mergeCause.TryGetValue(from, out var e) ? e : -1;
                changes.Add(new IdentityChange(ChangeKind.Merge, to, from, count, cause, cause >= 0 ? EdgeDecision.Merged : null));
            }
        }
        return changes;
    }

    /// <summary>
    /// Replays the merging edges in clustering order, tracking one previous person per growing cluster: the first edge
    /// that joins a cluster holding previous person P to one holding another previous person is P's merge cause.
    /// </summary>
    private static Dictionary<long, int> MergeCauses(IdentifierGraph graph, ClusteringResult clustering, long[] previousPerson)
    {
        var sets = new UnionFind(graph.NodeCount);
        var person = (long[])previousPerson.Clone();
        var causes = new Dictionary<long, int>();
        foreach (var e in graph.ClusteringOrder())
        {
            if (clustering.Decisions[e] != EdgeDecision.Merged) continue;
            var ra = sets.Find(graph.Left[e]);
            var rb = sets.Find(graph.Right[e]);
            if (ra == rb) continue;
            var (pa, pb) = (person[ra], person[rb]);
            if (pa >= 0 && pb >= 0 && pa != pb)
            {
                causes.TryAdd(pa, e);
                causes.TryAdd(pb, e);
            }
            person[sets.UnionRoots(ra, rb)] = pa >= 0 ? (pb >= 0 ? Math.Min(pa, pb) : pa) : pb;
        }
        return causes;
    }

    /// <summary>For each pair of clusters, the first refused edge between them: why they did not stay one person.</summary>
    private static Dictionary<(int, int), int> SplitCauses(IdentifierGraph graph, ClusteringResult clustering, PersonIds ids)
    {
        var causes = new Dictionary<(int, int), int>();
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (clustering.Decisions[e] is EdgeDecision.Merged or EdgeDecision.Redundant) continue;
            var a = clustering.ClusterOf[graph.Left[e]];
            var b = clustering.ClusterOf[graph.Right[e]];
            if (a != b) causes.TryAdd(Pair(a, b), e);
        }
        return causes;
    }

    private static (int, int) Pair(int a, int b) => a < b ? (a, b) : (b, a);
}
