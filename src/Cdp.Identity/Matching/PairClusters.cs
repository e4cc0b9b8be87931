namespace Cdp.Identity.Matching;

/// <summary>
/// Connected components of the links over records 0..n-1 (union-find with path halving and union by size). Kept
/// small and internal: the identity graph has its own clustering; this only groups one match run's links.
/// </summary>
internal sealed class PairClusters
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public PairClusters(int records)
    {
        _parent = Enumerable.Range(0, records).ToArray();
        _size = Enumerable.Repeat(1, records).ToArray();
    }

    public void Link(int a, int b)
    {
        var (ra, rb) = (Root(a), Root(b));
        if (ra == rb) return;
        if (_size[ra] < _size[rb]) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
    }

    /// <summary>
    /// For each record, the smallest record index of its cluster: a cluster label that depends only on the
    /// components, never on the order links were added.
    /// </summary>
    public int[] Labels()
    {
        var smallest = new int[_parent.Length];
        Array.Fill(smallest, int.MaxValue);
        for (var i = 0; i < _parent.Length; i++)
        {
            var root = Root(i);
            smallest[root] = Math.Min(smallest[root], i);
        }
        var labels = new int[_parent.Length];
        for (var i = 0; i < _parent.Length; i++) labels[i] = smallest[Root(i)];
        return labels;
    }

    private int Root(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }
}
