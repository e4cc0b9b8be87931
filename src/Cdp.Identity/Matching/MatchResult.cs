namespace Cdp.Identity.Matching;

/// <summary>A record and the cluster it was put in: the id of the cluster's first record in id order.</summary>
public sealed record RecordCluster(string RecordId, string ClusterId);

/// <summary>What a match run produced.</summary>
/// <param name="PairsTable">
/// A temporary table on the engine's connection: id_l, id_r (id_l &lt; id_r), match_weight, match_probability and
/// one gamma_&lt;comparison&gt; column per comparison, for every candidate pair (links are those at or above the
/// threshold). It lives until the connection closes or the next run on it.
/// </param>
/// <param name="Clusters">Every record, in id order, with its cluster (records without links are clusters of one).</param>
/// <param name="Steps">The SQL that ran, in order, for inspection.</param>
public sealed record MatchResult(
    string PairsTable,
    long Records,
    long CandidatePairs,
    long Links,
    IReadOnlyList<RecordCluster> Clusters,
    MatchParameters Parameters,
    IReadOnlyList<MatchStep> Steps)
{
    public int ClusterCount => Clusters.Select(c => c.ClusterId).Distinct().Count();
}
