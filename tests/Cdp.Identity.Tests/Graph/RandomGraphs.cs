using Cdp.Identity.Graph;

namespace Cdp.Identity.Tests.Graph;

/// <summary>
/// Seeded random identifier graphs shaped like the resolver's: distinct node pairs (lo &lt; hi), an edge as strong as
/// its weaker end, supports of 1 to 3 records. Types mix anchors (some limited), records and soft identifiers.
/// </summary>
internal static class RandomGraphs
{
    public static IdentifierGraph Create(int seed, bool withLimitsAndSoft = true)
    {
        var random = new Random(seed);
        var types = RandomTypes(random, withLimitsAndSoft);
        var nodes = random.Next(2, 80);
        var nodeType = new byte[nodes];
        for (var i = 0; i < nodes; i++) nodeType[i] = (byte)random.Next(types.Count);

        var pairs = new HashSet<(int, int)>();
        var wanted = random.Next(0, nodes * 2);
        for (var k = 0; k < wanted * 3 && pairs.Count < wanted; k++)
        {
            var a = random.Next(nodes);
            var b = random.Next(nodes);
            if (a != b) pairs.Add((Math.Min(a, b), Math.Max(a, b)));
        }
        var list = pairs.ToList();
        var left = list.Select(p => p.Item1).ToArray();
        var right = list.Select(p => p.Item2).ToArray();
        var priority = list.Select(p => Math.Min(types[nodeType[p.Item1]].Priority, types[nodeType[p.Item2]].Priority)).ToArray();
        var support = list.Select(_ => random.Next(1, 4)).ToArray();
        return new IdentifierGraph(types, nodeType, left, right, priority, support);
    }

    /// <summary>The same edges in another order, each with its ends swapped at random.</summary>
    public static IdentifierGraph Shuffled(IdentifierGraph graph, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, graph.EdgeCount).ToArray();
        random.Shuffle(order);
        var left = new int[order.Length];
        var right = new int[order.Length];
        for (var k = 0; k < order.Length; k++)
        {
            var e = order[k];
            var swap = random.Next(2) == 0;
            left[k] = swap ? graph.Right[e] : graph.Left[e];
            right[k] = swap ? graph.Left[e] : graph.Right[e];
        }
        return new IdentifierGraph(graph.Types, graph.NodeType, left, right,
            order.Select(e => graph.Priority[e]).ToArray(), order.Select(e => graph.Support[e]).ToArray());
    }

    /// <summary>The graph restricted to the edges <paramref name="keep"/> selects.</summary>
    public static IdentifierGraph Subgraph(IdentifierGraph graph, Func<int, bool> keep)
    {
        var edges = Enumerable.Range(0, graph.EdgeCount).Where(keep).ToArray();
        return new IdentifierGraph(graph.Types, graph.NodeType, edges.Select(e => graph.Left[e]).ToArray(), edges.Select(e => graph.Right[e]).ToArray(),
            edges.Select(e => graph.Priority[e]).ToArray(), edges.Select(e => graph.Support[e]).ToArray());
    }

    /// <summary>Connected components by breadth-first search, numbered by smallest node (the clustering's convention).</summary>
    public static int[] Components(IdentifierGraph graph)
    {
        var adjacent = Enumerable.Range(0, graph.NodeCount).Select(_ => new List<int>()).ToArray();
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            adjacent[graph.Left[e]].Add(graph.Right[e]);
            adjacent[graph.Right[e]].Add(graph.Left[e]);
        }
        var component = Enumerable.Repeat(-1, graph.NodeCount).ToArray();
        var next = 0;
        for (var start = 0; start < graph.NodeCount; start++)
        {
            if (component[start] >= 0) continue;
            var queue = new Queue<int>([start]);
            component[start] = next;
            while (queue.TryDequeue(out var node))
            {
                foreach (var other in adjacent[node])
                {
                    if (component[other] >= 0) continue;
                    component[other] = next;
                    queue.Enqueue(other);
                }
            }
            next++;
        }
        return component;
    }

    private static List<IdentifierTypeRule> RandomTypes(Random random, bool withLimitsAndSoft)
    {
        var types = new List<IdentifierTypeRule>();
        var count = random.Next(1, 7);
        for (var t = 0; t < count; t++)
        {
            var role = (IdentifierRole)random.Next(withLimitsAndSoft ? 3 : 2);
            int? max = withLimitsAndSoft && role == IdentifierRole.Anchor && random.Next(2) == 0 ? random.Next(1, 4) : null;
            types.Add(new IdentifierTypeRule($"t{t}", role, random.Next(0, 5) * 10, max));
        }
        return types;
    }
}
