using Cdp.Modeling.Compilation;

namespace Cdp.Modeling.Graph;

/// <summary>The project's DAG: nodes by unique id, their parents (what they read) and children.</summary>
public sealed class NodeGraph
{
    private readonly Dictionary<string, Node> _nodes;
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    public NodeGraph(IEnumerable<Node> nodes)
    {
        _nodes = nodes.ToDictionary(n => n.UniqueId, StringComparer.Ordinal);
        foreach (var id in _nodes.Keys) _children[id] = [];
        foreach (var node in _nodes.Values)
        {
            foreach (var parent in node.DependsOn.Distinct(StringComparer.Ordinal))
            {
                if (_children.TryGetValue(parent, out var list)) list.Add(node.UniqueId);
            }
        }
        foreach (var list in _children.Values) list.Sort(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<Node> Nodes => _nodes.Values;

    public Node this[string uniqueId] => _nodes[uniqueId];

    public bool TryGet(string uniqueId, out Node? node) => _nodes.TryGetValue(uniqueId, out node);

    public IReadOnlyList<string> Parents(string uniqueId) => _nodes[uniqueId].DependsOn.Where(_nodes.ContainsKey).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Children(string uniqueId) => _children[uniqueId];

    /// <summary>Every node reachable downstream (or upstream) of <paramref name="start"/>, up to <paramref name="depth"/> steps.</summary>
    public IEnumerable<string> Reachable(string start, bool downstream, int? depth = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var frontier = new List<string> { start };
        for (var level = 0; frontier.Count > 0 && (depth is null || level < depth); level++)
        {
            var next = new List<string>();
            foreach (var id in frontier)
            {
                foreach (var n in downstream ? Children(id) : Parents(id))
                {
                    if (seen.Add(n)) next.Add(n);
                }
            }
            frontier = next;
        }
        seen.Remove(start);
        return seen;
    }

    /// <summary>
    /// The cycles of the graph, each as the path of unique ids that closes it (<c>a → b → c → a</c>, each reading the next), found by a
    /// depth-first search in id order so that the report is the same on every run.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> FindCycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 0 new, 1 on stack, 2 done
        var stack = new List<string>();
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var parent in Parents(id).Order(StringComparer.Ordinal))
            {
                var s = state.GetValueOrDefault(parent);
                if (s == 1)
                {
                    // In reading order: each node of the path reads the next one.
                    var at = stack.IndexOf(parent);
                    var path = stack.Skip(at).Append(parent).ToList();
                    cycles.Add(path);
                }
                else if (s == 0)
                {
                    Visit(parent);
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }

        foreach (var id in _nodes.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(id) == 0) Visit(id);
        }
        return cycles;
    }

    /// <summary>
    /// The nodes in an order where every node comes after its parents (ties broken by unique id). Requires an
    /// acyclic graph; nodes on a cycle are left out.
    /// </summary>
    public IReadOnlyList<Node> TopologicalOrder(IEnumerable<string>? subset = null)
    {
        var include = subset is null ? _nodes.Keys.ToHashSet(StringComparer.Ordinal) : subset.ToHashSet(StringComparer.Ordinal);
        var indegree = include.ToDictionary(id => id, id => Parents(id).Count(include.Contains), StringComparer.Ordinal);
        var ready = new SortedSet<string>(indegree.Where(kv => kv.Value == 0).Select(kv => kv.Key), StringComparer.Ordinal);
        var order = new List<Node>();
        while (ready.Count > 0)
        {
            var id = ready.Min!;
            ready.Remove(id);
            order.Add(_nodes[id]);
            foreach (var child in Children(id))
            {
                if (!include.Contains(child)) continue;
                if (--indegree[child] == 0) ready.Add(child);
            }
        }
        return order;
    }
}
