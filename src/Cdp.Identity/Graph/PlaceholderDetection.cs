namespace Cdp.Identity.Graph;

/// <summary>An anchor value linked to more distinct anchors of one other type than plausible: an unlisted placeholder.</summary>
/// <param name="Links">The most distinct anchors of one type it is linked to.</param>
/// <param name="OtherType">That type's index (the smallest index when two types have as many links).</param>
public readonly record struct DetectedPlaceholder(int Node, int Links, int OtherType);

/// <summary>
/// Finds anchors linked to more than <c>maxAnchorLinks</c> distinct anchors of one other type (a shared
/// "0000000000" phone or a shop's own e-mail), counting each distinct pair once. Runs in one pass over the edges
/// plus one over the few nodes with that many anchor links at all.
/// </summary>
public static class PlaceholderDetection
{
    public static IReadOnlyList<DetectedPlaceholder> Detect(IdentifierGraph graph, int maxAnchorLinks)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var anchor = graph.Types.Select(t => t.Role == IdentifierRole.Anchor).ToArray();
        bool AnchorPair(int e) => anchor[graph.NodeType[graph.Left[e]]] && anchor[graph.NodeType[graph.Right[e]]];

        // A node over the limit for one type is over it in total: only those need counting per type.
        var degree = new int[graph.NodeCount];
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (!AnchorPair(e)) continue;
            degree[graph.Left[e]]++;
            degree[graph.Right[e]]++;
        }
        var perType = new Dictionary<int, int[]>();
        for (var i = 0; i < degree.Length; i++)
        {
            if (degree[i] > maxAnchorLinks) perType[i] = new int[graph.Types.Count];
        }
        if (perType.Count == 0) return [];

        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (!AnchorPair(e)) continue;
            var (a, b) = (graph.Left[e], graph.Right[e]);
            if (perType.TryGetValue(a, out var ca)) ca[graph.NodeType[b]]++;
            if (perType.TryGetValue(b, out var cb)) cb[graph.NodeType[a]]++;
        }
        var found = new List<DetectedPlaceholder>();
        foreach (var (node, counts) in perType.OrderBy(kv => kv.Key))
        {
            var best = 0;
            for (var t = 1; t < counts.Length; t++)
            {
                if (counts[t] > counts[best]) best = t;
            }
            if (counts[best] > maxAnchorLinks) found.Add(new DetectedPlaceholder(node, counts[best], best));
        }
        return found;
    }
}
