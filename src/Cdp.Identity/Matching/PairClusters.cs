using Cdp.Identity.Graph;

namespace Cdp.Identity.Matching;

/// <summary>Connected components of one match run's links over records 0..n-1.</summary>
internal sealed class PairClusters(int records)
{
    private readonly UnionFind _sets = new(records);

    public void Link(int a, int b) => _sets.UnionRoots(_sets.Find(a), _sets.Find(b));

    /// <summary>
    /// For each record, the smallest record index of its cluster: a cluster label that depends only on the
    /// components, never on the order links were added.
    /// </summary>
    public int[] Labels()
    {
        var (components, count) = _sets.Components();
        var smallest = new int[count];
        Array.Fill(smallest, -1);
        var labels = new int[components.Length];
        for (var i = 0; i < components.Length; i++)
        {
            if (smallest[components[i]] < 0) smallest[components[i]] = i;
            labels[i] = smallest[components[i]];
        }
        return labels;
    }
}
