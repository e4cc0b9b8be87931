namespace Cdp.Identity.Graph;

/// <summary>How a cluster's person id was chosen.</summary>
public enum IdOrigin : byte
{
    /// <summary>Inherited from the previous run's person it overlaps most.</summary>
    Kept = 0,

    /// <summary>A retired id brought back: the cluster is made of identifiers that first had that id (a split undone).</summary>
    Restored = 1,

    /// <summary>A fresh id: nothing in the cluster had a person before.</summary>
    New = 2,
}

/// <summary>A person id per cluster, and per node the id its identifier was first given (its origin).</summary>
public sealed record PersonIds(long[] PersonOfCluster, IdOrigin[] HowChosen, long[] OriginOfNode, long NextPersonId);

/// <summary>
/// Stable person ids across runs. Each cluster inherits the id of the previous person it overlaps most, measured first
/// by the share of that person's native identifiers (those whose origin is that id) it holds, then by the share of all
/// its identifiers, ties to the older (smaller) id. So a merge keeps the older id; a split keeps the id where its
/// native identifiers are, and a part made of identifiers that originally had another, now retired, id gets that id
/// back; anything else gets a fresh id. A full rebuild of unchanged input keeps every id.
/// </summary>
public static class PersonIdAssignment
{
    /// <param name="clusterOf">Cluster per node (0..clusterCount-1).</param>
    /// <param name="previousPerson">Person per node in the previous run, or -1.</param>
    /// <param name="previousOrigin">Origin id per node from the previous run, or -1.</param>
    /// <param name="nextPersonId">The smallest id never used (ids only grow, so a retired id is never reissued).</param>
    /// <param name="skip">Clusters that are nobody (only placeholder values): they get person -1; may be null.</param>
    public static PersonIds Assign(int[] clusterOf, int clusterCount, long[] previousPerson, long[] previousOrigin, long nextPersonId, bool[]? skip = null)
    {
        ArgumentNullException.ThrowIfNull(clusterOf);
        var n = clusterOf.Length;
        if (previousPerson.Length != n || previousOrigin.Length != n) throw new ArgumentException("per-node arrays must have the same length");

        var members = new Dictionary<long, int>();
        var natives = new Dictionary<long, int>();
        for (var i = 0; i < n; i++)
        {
            var p = previousPerson[i];
            if (p < 0) continue;
            members[p] = members.GetValueOrDefault(p) + 1;
            if (previousOrigin[i] == p) natives[p] = natives.GetValueOrDefault(p) + 1;
        }

        var nodesByCluster = NodesByCluster(clusterOf, clusterCount);
        var person = new long[clusterCount];
        Array.Fill(person, -1L);
        var how = new IdOrigin[clusterCount];
        var taken = new HashSet<long>();
        bool Skipped(int c) => skip is not null && skip[c];

        // 1. Inherit from the previous person with the largest native share, then overall share, then the oldest id.
        var candidates = new List<(int Cluster, long Id, double Native, double Share)>();
        var tally = new Dictionary<long, (int Members, int Natives)>();
        for (var c = 0; c < clusterCount; c++)
        {
            if (Skipped(c)) continue;
            tally.Clear();
            foreach (var i in nodesByCluster.Of(c))
            {
                var p = previousPerson[i];
                if (p < 0) continue;
                var (m, nat) = tally.GetValueOrDefault(p);
                tally[p] = (m + 1, nat + (previousOrigin[i] == p ? 1 : 0));
            }
            foreach (var (p, (m, nat)) in tally)
            {
                var nativeTotal = natives.GetValueOrDefault(p);
                var share = (double)m / members[p];
                candidates.Add((c, p, nativeTotal > 0 ? (double)nat / nativeTotal : share, share));
            }
        }
        candidates.Sort((x, y) =>
        {
            var k = y.Native.CompareTo(x.Native);
            if (k == 0) k = y.Share.CompareTo(x.Share);
            if (k == 0) k = x.Id.CompareTo(y.Id);
            return k != 0 ? k : x.Cluster.CompareTo(y.Cluster);
        });
        foreach (var (c, p, _, _) in candidates)
        {
            if (person[c] >= 0 || !taken.Add(p)) continue;
            person[c] = p;
            how[c] = IdOrigin.Kept;
        }

        // 2. Bring back a free id that most of the cluster's identifiers originally had.
        var restore = new List<(int Cluster, long Id, int Count)>();
        var origins = new Dictionary<long, int>();
        for (var c = 0; c < clusterCount; c++)
        {
            if (person[c] >= 0 || Skipped(c)) continue;
            origins.Clear();
            foreach (var i in nodesByCluster.Of(c))
            {
                var o = previousOrigin[i];
                if (o >= 0 && !taken.Contains(o)) origins[o] = origins.GetValueOrDefault(o) + 1;
            }
            foreach (var (o, count) in origins) restore.Add((c, o, count));
        }
        restore.Sort((x, y) =>
        {
            var k = y.Count.CompareTo(x.Count);
            if (k == 0) k = x.Id.CompareTo(y.Id);
            return k != 0 ? k : x.Cluster.CompareTo(y.Cluster);
        });
        foreach (var (c, o, _) in restore)
        {
            if (person[c] >= 0 || !taken.Add(o)) continue;
            person[c] = o;
            how[c] = IdOrigin.Restored;
        }

        // 3. Fresh ids, in cluster order (clusters are numbered by their smallest node, so this is deterministic).
        var next = nextPersonId;
        for (var c = 0; c < clusterCount; c++)
        {
            if (person[c] >= 0 || Skipped(c)) continue;
            person[c] = next++;
            how[c] = IdOrigin.New;
        }

        var origin = new long[n];
        for (var i = 0; i < n; i++) origin[i] = previousOrigin[i] >= 0 ? previousOrigin[i] : person[clusterOf[i]];
        return new PersonIds(person, how, origin, next);
    }

    /// <summary>Nodes grouped by cluster with a counting sort: O(nodes), no per-cluster lists.</summary>
    internal static ClusterIndex NodesByCluster(int[] clusterOf, int clusterCount)
    {
        var start = new int[clusterCount + 1];
        foreach (var c in clusterOf) start[c + 1]++;
        for (var c = 0; c < clusterCount; c++) start[c + 1] += start[c];
        var fill = (int[])start.Clone();
        var nodes = new int[clusterOf.Length];
        for (var i = 0; i < clusterOf.Length; i++) nodes[fill[clusterOf[i]]++] = i;
        return new ClusterIndex(start, nodes);
    }

    internal readonly record struct ClusterIndex(int[] Start, int[] Nodes)
    {
        public ReadOnlySpan<int> Of(int cluster) => Nodes.AsSpan(Start[cluster], Start[cluster + 1] - Start[cluster]);
    }
}
