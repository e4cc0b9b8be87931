namespace Cdp.Identity.Graph;

/// <summary>What the clustering did with one edge.</summary>
public enum EdgeDecision : byte
{
    /// <summary>Merged two clusters.</summary>
    Merged = 0,

    /// <summary>Both ends were already in one cluster through stronger edges.</summary>
    Redundant = 1,

    /// <summary>Refused: a soft identifier (shared device or cookie) would have merged two clusters that each hold an anchor.</summary>
    BlockedSoft = 2,

    /// <summary>Refused: the merged cluster would hold more values of a type than its per-person limit.</summary>
    BlockedLimit = 3,

    /// <summary>Refused before clustering: an end is a value on the project's blocklist.</summary>
    BlockedListed = 4,

    /// <summary>Refused before clustering: an end is linked to implausibly many anchors (an unlisted placeholder).</summary>
    BlockedDetected = 5,
}

/// <summary>Names of decisions as stored in the lake's tables.</summary>
public static class EdgeDecisionNames
{
    /// <summary>The snake_case name of a decision as stored in the tables.</summary>
    public static string Label(this EdgeDecision decision) => decision switch
    {
        EdgeDecision.Merged => "merged",
        EdgeDecision.Redundant => "redundant",
        EdgeDecision.BlockedSoft => "blocked_soft",
        EdgeDecision.BlockedLimit => "blocked_limit",
        EdgeDecision.BlockedListed => "blocked_listed",
        EdgeDecision.BlockedDetected => "blocked_detected",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "unknown edge decision: a bug"),
    };

}

/// <summary>The partition found: a cluster number per node (numbered by their smallest node), and a decision per edge.</summary>
/// <param name="LimitType">For <see cref="EdgeDecision.BlockedLimit"/>, the index of the type whose limit refused the edge.</param>
public sealed record ClusteringResult(int[] ClusterOf, int ClusterCount, EdgeDecision[] Decisions, byte[] LimitType);

/// <summary>
/// Connected components over the allowed edges with per-person limits, by union-find (path halving, union by size).
/// Edges are taken strongest first (<see cref="IdentifierGraph.ClusteringOrder"/>), so a merge that would break a limit
/// is refused at its weakest edge, and the result is the same whatever order the edges arrive in.
/// </summary>
public static class ConstrainedClustering
{
    /// <param name="preBlocked">Per edge, <see cref="EdgeDecision.BlockedListed"/> or <see cref="EdgeDecision.BlockedDetected"/>
    /// for edges refused before clustering (placeholder values), anything else to cluster it; may be null.</param>
    public static ClusteringResult Cluster(IdentifierGraph graph, EdgeDecision[]? preBlocked = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var n = graph.NodeCount;
        var sets = new UnionFind(n);
        var anchored = new bool[n];
        var limited = graph.Types.Select((t, i) => (t, i)).Where(x => x.t.MaxPerPerson is > 0 and < byte.MaxValue).Select(x => x.i).ToArray();
        var limitOf = limited.Select(i => graph.Types[i].MaxPerPerson!.Value).ToArray();
        var slotOfType = new int[graph.Types.Count];
        Array.Fill(slotOfType, -1);
        for (var s = 0; s < limited.Length; s++) slotOfType[limited[s]] = s;
        // Per-cluster counts of each limited type, kept at the root; bytes saturate, limits above 254 are not enforced here.
        var counts = limited.Select(_ => new byte[n]).ToArray();
        var soft = graph.Types.Select(t => t.Role == IdentifierRole.Soft).ToArray();

        for (var i = 0; i < n; i++)
        {
            var type = graph.NodeType[i];
            anchored[i] = graph.Types[type].Role == IdentifierRole.Anchor;
            if (slotOfType[type] is var slot and >= 0) counts[slot][i] = 1;
        }

        var decisions = new EdgeDecision[graph.EdgeCount];
        var limitType = new byte[graph.EdgeCount];
        var order = graph.ClusteringOrder();
        for (var k = 0; k < order.Length; k++)
        {
            if ((k & 0xFFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            var e = order[k];
            if (preBlocked is not null && preBlocked[e] is EdgeDecision.BlockedListed or EdgeDecision.BlockedDetected)
            {
                decisions[e] = preBlocked[e];
                continue;
            }
            var a = graph.Left[e];
            var b = graph.Right[e];
            var ra = sets.Find(a);
            var rb = sets.Find(b);
            if (ra == rb)
            {
                decisions[e] = EdgeDecision.Redundant;
                continue;
            }
            if ((soft[graph.NodeType[a]] || soft[graph.NodeType[b]]) && anchored[ra] && anchored[rb])
            {
                decisions[e] = EdgeDecision.BlockedSoft;
                continue;
            }
            var over = -1;
            for (var s = 0; s < limited.Length && over < 0; s++)
            {
                if (counts[s][ra] + counts[s][rb] > limitOf[s]) over = s;
            }
            if (over >= 0)
            {
                decisions[e] = EdgeDecision.BlockedLimit;
                limitType[e] = (byte)limited[over];
                continue;
            }
            var root = sets.UnionRoots(ra, rb);
            var other = root == ra ? rb : ra;
            anchored[root] |= anchored[other];
            for (var s = 0; s < limited.Length; s++) counts[s][root] = (byte)Math.Min(byte.MaxValue, counts[s][root] + counts[s][other]);
            decisions[e] = EdgeDecision.Merged;
        }

        // Clusters numbered by their smallest node: the numbering depends on the partition only.
        var (clusterOf, clusters) = sets.Components();
        return new ClusteringResult(clusterOf, clusters, decisions, limitType);
    }
}
