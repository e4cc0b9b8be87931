namespace Cdp.Identity.Graph;

/// <summary>
/// The identifier graph as dense integer arrays, the shape the clustering works on: node <c>i</c> has type
/// <c>Types[NodeType[i]]</c>; edge <c>e</c> joins <c>Left[e]</c> and <c>Right[e]</c> with a priority (higher first)
/// and a support (how many records assert it). Node numbers are expected to be canonical (for example the rank of
/// (type, value)), since they break ties between equally strong edges.
/// </summary>
public sealed class IdentifierGraph
{
    public IdentifierGraph(IReadOnlyList<IdentifierTypeRule> types, byte[] nodeType, int[] left, int[] right, int[] priority, int[] support)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(nodeType);
        if (types.Count > byte.MaxValue) throw new ArgumentException($"at most {byte.MaxValue} identifier types are supported", nameof(types));
        if (left.Length != right.Length || left.Length != priority.Length || left.Length != support.Length)
            throw new ArgumentException("edge arrays must have the same length");
        Types = types;
        NodeType = nodeType;
        Left = left;
        Right = right;
        Priority = priority;
        Support = support;
    }

    public IReadOnlyList<IdentifierTypeRule> Types { get; }
    public byte[] NodeType { get; }
    public int[] Left { get; }
    public int[] Right { get; }
    public int[] Priority { get; }
    public int[] Support { get; }

    public int NodeCount => NodeType.Length;
    public int EdgeCount => Left.Length;

    /// <summary>
    /// Edge indices in clustering order: edges between non-soft identifiers first, then edges touching a soft one;
    /// within each, priority descending, support descending, then the lower and higher node number ascending. The
    /// order depends only on the edges' content, never on their position in the input.
    /// </summary>
    /// <remarks>
    /// Soft edges go last whatever their configured priority: the soft check only sees whether both clusters already
    /// hold an anchor, so a soft edge taken before a record's link to an anchor (a device joins customer A, a session
    /// joins the device, then the session's customer B link) would let a shared device merge two people.
    /// </remarks>
    public int[] ClusteringOrder()
    {
        var order = new int[EdgeCount];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        if (IsInClusteringOrder()) return order;
        Array.Sort(order, Compare);
        return order;
    }

    private bool IsInClusteringOrder()
    {
        for (var e = 1; e < EdgeCount; e++)
        {
            if (Compare(e - 1, e) > 0) return false;
        }
        return true;
    }

    private int Compare(int a, int b)
    {
        var c = TouchesSoft(a).CompareTo(TouchesSoft(b));
        if (c != 0) return c;
        c = Priority[b].CompareTo(Priority[a]);
        if (c != 0) return c;
        c = Support[b].CompareTo(Support[a]);
        if (c != 0) return c;
        c = Math.Min(Left[a], Right[a]).CompareTo(Math.Min(Left[b], Right[b]));
        if (c != 0) return c;
        c = Math.Max(Left[a], Right[a]).CompareTo(Math.Max(Left[b], Right[b]));
        return c != 0 ? c : a.CompareTo(b);
    }

    private bool TouchesSoft(int e) => Types[NodeType[Left[e]]].Role == IdentifierRole.Soft || Types[NodeType[Right[e]]].Role == IdentifierRole.Soft;
}
