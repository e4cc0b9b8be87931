namespace Cdp.Identity.Graph;

/// <summary>
/// Disjoint sets over 0..n-1 with path halving and union by size: the one union-find of the identity code (the
/// constrained clustering keeps its per-cluster counts beside it, keyed by <see cref="Find"/>'s root).
/// </summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public UnionFind(int count)
    {
        _parent = new int[count];
        _size = new int[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
        }
    }

    public int Count => _parent.Length;

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Joins two roots (the smaller set under the larger); returns the surviving root.</summary>
    public int UnionRoots(int rootA, int rootB)
    {
        if (rootA == rootB) return rootA;
        if (_size[rootA] < _size[rootB]) (rootA, rootB) = (rootB, rootA);
        _parent[rootB] = rootA;
        _size[rootA] += _size[rootB];
        return rootA;
    }

    /// <summary>
    /// Each element's set numbered 0..k-1 in order of the set's smallest element: a labelling that depends on the
    /// partition only, never on the order of the unions. Returns the labels and k.
    /// </summary>
    public (int[] Labels, int Count) Components()
    {
        var labelOfRoot = new int[_parent.Length];
        Array.Fill(labelOfRoot, -1);
        var labels = new int[_parent.Length];
        var k = 0;
        for (var i = 0; i < _parent.Length; i++)
        {
            var root = Find(i);
            if (labelOfRoot[root] < 0) labelOfRoot[root] = k++;
            labels[i] = labelOfRoot[root];
        }
        return (labels, k);
    }
}
