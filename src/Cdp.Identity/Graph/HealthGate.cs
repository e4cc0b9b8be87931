namespace Cdp.Identity.Graph;

/// <summary>A health limit a run broke, with the nodes (identifier values) that explain it.</summary>
public sealed record HealthViolation(string Metric, double Value, double Limit, IReadOnlyList<int> OffendingNodes, string Explanation);

/// <summary>Figures about one resolution run, and the limits it broke (none: it may be published).</summary>
public sealed record HealthReport(
    int Persons,
    int LargestClusterNodes,
    int LargestClusterAnchors,
    IReadOnlyDictionary<string, int> AnchorsPerPerson,
    IReadOnlyDictionary<EdgeDecision, int> EdgesByDecision,
    IReadOnlyDictionary<string, int> EdgesByTypes,
    int Merges,
    int Splits,
    int PreviousPersons,
    IReadOnlyList<(int Node, int BlockedEdges)> MostBlockedValues,
    IReadOnlyList<HealthViolation> Violations)
{
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Decides whether a run may replace the published graph: no person with implausibly many anchors, no single value
/// refused implausibly often (an unlisted placeholder or a widely shared device), and, against a previous run, not
/// too many merges or splits at once (a rule change or a bad batch, to be looked at before it reaches audiences).
/// </summary>
public static class HealthGate
{
    private static readonly (string Name, int Max)[] Buckets = [("1", 1), ("2", 2), ("3", 3), ("4-5", 5), ("6-10", 10), ("11-20", 20), ("21-50", 50), (">50", int.MaxValue)];

    /// <param name="skip">Clusters that are nobody (only placeholder values); not counted as persons. May be null.</param>
    public static HealthReport Evaluate(IdentifierGraph graph, ClusteringResult clustering, IReadOnlyList<IdentityChange> changes, int previousPersons, HealthThresholds limits,
        bool[]? skip = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(clustering);
        ArgumentNullException.ThrowIfNull(limits);
        var nodes = new int[clustering.ClusterCount];
        var anchors = new int[clustering.ClusterCount];
        for (var i = 0; i < graph.NodeCount; i++)
        {
            var c = clustering.ClusterOf[i];
            nodes[c]++;
            if (graph.Types[graph.NodeType[i]].Role == IdentifierRole.Anchor) anchors[c]++;
        }
        var histogram = Buckets.ToDictionary(b => b.Name, _ => 0);
        var largestByAnchors = -1;
        for (var c = 0; c < anchors.Length; c++)
        {
            if (anchors[c] == 0 || skip is not null && skip[c]) continue;
            histogram[Buckets.First(b => anchors[c] <= b.Max).Name]++;
            if (largestByAnchors < 0 || anchors[c] > anchors[largestByAnchors]) largestByAnchors = c;
        }

        var decisions = Enum.GetValues<EdgeDecision>().ToDictionary(d => d, _ => 0);
        var byTypes = new int[graph.Types.Count, graph.Types.Count];
        var blockedPerNode = new Dictionary<int, int>();
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            var d = clustering.Decisions[e];
            decisions[d]++;
            var (ta, tb) = (graph.NodeType[graph.Left[e]], graph.NodeType[graph.Right[e]]);
            byTypes[Math.Min(ta, tb), Math.Max(ta, tb)]++;
            if (d is EdgeDecision.Merged or EdgeDecision.Redundant or EdgeDecision.BlockedListed) continue; // listed values are known and expected
            // Blame the end that caused the refusal: the soft identifier, or for a limit and a placeholder the end
            // shared more widely (both ends are counted; the most refused values surface either way).
            foreach (var node in new[] { graph.Left[e], graph.Right[e] })
            {
                if (d == EdgeDecision.BlockedSoft && graph.Types[graph.NodeType[node]].Role != IdentifierRole.Soft) continue;
                blockedPerNode[node] = blockedPerNode.GetValueOrDefault(node) + 1;
            }
        }
        var mostBlocked = blockedPerNode.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(10).Select(kv => (kv.Key, kv.Value)).ToList();

        var violations = new List<HealthViolation>();
        if (largestByAnchors >= 0 && anchors[largestByAnchors] > limits.MaxClusterAnchors)
        {
            var offenders = Enumerable.Range(0, graph.NodeCount)
                .Where(i => clustering.ClusterOf[i] == largestByAnchors && graph.Types[graph.NodeType[i]].Role == IdentifierRole.Anchor).Take(10).ToList();
            violations.Add(new("max_cluster_anchors", anchors[largestByAnchors], limits.MaxClusterAnchors, offenders,
                $"one person holds {anchors[largestByAnchors]} anchor identifiers (limit {limits.MaxClusterAnchors})"));
        }
        var overBlocked = mostBlocked.Where(m => m.Value > limits.MaxBlockedEdgesPerValue).ToList();
        if (overBlocked.Count > 0)
        {
            violations.Add(new("max_blocked_edges_per_value", overBlocked[0].Value, limits.MaxBlockedEdgesPerValue, overBlocked.Select(m => m.Key).ToList(),
                $"{overBlocked.Count} value(s) had more than {limits.MaxBlockedEdgesPerValue} links refused: a placeholder to add to identity.blocklist or a widely shared identifier"));
        }
        var merges = changes.Count(c => c.Kind == ChangeKind.Merge);
        var splits = changes.Count(c => c.Kind == ChangeKind.Split);
        if (previousPersons > 0)
        {
            if ((double)merges / previousPersons > limits.MaxMergeRatio)
                violations.Add(new("max_merge_ratio", (double)merges / previousPersons, limits.MaxMergeRatio, [], $"{merges} merges against {previousPersons} previous persons"));
            if ((double)splits / previousPersons > limits.MaxSplitRatio)
                violations.Add(new("max_split_ratio", (double)splits / previousPersons, limits.MaxSplitRatio, [], $"{splits} splits against {previousPersons} previous persons"));
        }
        var edgesByTypes = new Dictionary<string, int>();
        for (var a = 0; a < graph.Types.Count; a++)
        {
            for (var b = a; b < graph.Types.Count; b++)
            {
                if (byTypes[a, b] > 0) edgesByTypes[graph.Types[a].Name + "-" + graph.Types[b].Name] = byTypes[a, b];
            }
        }
        return new HealthReport(
            skip is null ? clustering.ClusterCount : skip.Count(s => !s),
            nodes.Length == 0 ? 0 : nodes.Max(),
            largestByAnchors < 0 ? 0 : anchors[largestByAnchors],
            histogram, decisions, edgesByTypes, merges, splits, previousPersons, mostBlocked, violations);
    }
}
