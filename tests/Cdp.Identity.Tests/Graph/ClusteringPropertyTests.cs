using Cdp.Identity.Graph;

namespace Cdp.Identity.Tests.Graph;

/// <summary>
/// Invariants of <see cref="ConstrainedClustering"/> on seeded random graphs (types with random roles, priorities and
/// per-person limits). A failure names the seed, so it can be replayed with <see cref="RandomGraphs.Create"/>.
/// </summary>
public class ClusteringPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var block = 0; block < 20; block++) data.Add(block);
        return data;
    }

    /// <summary>Each theory row checks 25 graphs, so the suite covers 500 seeds without 500 test rows.</summary>
    private static IEnumerable<int> SeedsOf(int block) => Enumerable.Range(block * 25, 25);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Clusters_form_a_partition_numbered_by_smallest_node(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed);
            var result = ConstrainedClustering.Cluster(graph);

            Assert.Equal(graph.NodeCount, result.ClusterOf.Length);
            Assert.All(result.ClusterOf, c => Assert.InRange(c, 0, result.ClusterCount - 1));
            // Cluster k's smallest node comes before cluster k+1's: numbering is by smallest node, with no gaps.
            var firstNode = Enumerable.Range(0, result.ClusterCount).Select(c => Array.IndexOf(result.ClusterOf, c)).ToArray();
            Assert.All(firstNode, f => Assert.True(f >= 0, $"seed {seed}: an empty cluster number"));
            Assert.True(firstNode.SequenceEqual(firstNode.Order()), $"seed {seed}: clusters not numbered by smallest node");
            // Merged edges join nodes of one cluster, and every two nodes of a cluster are linked through merged edges.
            var merged = RandomGraphs.Subgraph(graph, e => result.Decisions[e] == EdgeDecision.Merged);
            Assert.Equal(result.ClusterOf, RandomGraphs.Components(merged));
            Assert.Equal(result.ClusterCount, graph.NodeCount - merged.EdgeCount);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Clustering_is_idempotent_and_the_merged_edges_alone_give_the_same_partition(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed);
            var first = ConstrainedClustering.Cluster(graph);
            var again = ConstrainedClustering.Cluster(graph);
            Assert.Equal(first.ClusterOf, again.ClusterOf);
            Assert.Equal(first.Decisions, again.Decisions);

            var merged = RandomGraphs.Subgraph(graph, e => first.Decisions[e] == EdgeDecision.Merged);
            var fromMerged = ConstrainedClustering.Cluster(merged);
            Assert.Equal(first.ClusterOf, fromMerged.ClusterOf);
            Assert.All(fromMerged.Decisions, d => Assert.Equal(EdgeDecision.Merged, d));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Partition_and_decisions_do_not_depend_on_edge_order(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed);
            var expected = ConstrainedClustering.Cluster(graph);
            for (var shuffle = 1; shuffle <= 3; shuffle++)
            {
                var shuffled = RandomGraphs.Shuffled(graph, seed * 7 + shuffle);
                var actual = ConstrainedClustering.Cluster(shuffled);
                Assert.Equal(expected.ClusterOf, actual.ClusterOf);
                Assert.Equal(DecisionsByPair(graph, expected), DecisionsByPair(shuffled, actual));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Without_limits_or_soft_types_clusters_are_the_connected_components(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed, withLimitsAndSoft: false);
            var result = ConstrainedClustering.Cluster(graph);
            Assert.Equal(RandomGraphs.Components(graph), result.ClusterOf);
            Assert.DoesNotContain(result.Decisions, d => d is not (EdgeDecision.Merged or EdgeDecision.Redundant));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_cluster_respects_every_max_per_person_limit(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed);
            var result = ConstrainedClustering.Cluster(graph);
            for (var t = 0; t < graph.Types.Count; t++)
            {
                if (graph.Types[t].MaxPerPerson is not { } max) continue;
                var perCluster = Enumerable.Range(0, graph.NodeCount).Where(i => graph.NodeType[i] == t).GroupBy(i => result.ClusterOf[i]);
                Assert.All(perCluster, g => Assert.True(g.Count() <= max, $"seed {seed}: cluster {g.Key} holds {g.Count()} {graph.Types[t].Name} (limit {max})"));
            }
            // A refusal for a limit names a limited type whose limit the merge would indeed have broken.
            for (var e = 0; e < graph.EdgeCount; e++)
            {
                if (result.Decisions[e] != EdgeDecision.BlockedLimit) continue;
                Assert.NotNull(graph.Types[result.LimitType[e]].MaxPerPerson);
                Assert.NotEqual(result.ClusterOf[graph.Left[e]], result.ClusterOf[graph.Right[e]]);
            }
        }
    }

    /// <summary>
    /// Inside a cluster, the non-soft nodes linked by accepted non-soft edges form sub-clusters; at most one of them
    /// may hold an anchor. Two anchored sub-clusters in one person would mean a shared device or cookie merged them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_cluster_joins_two_anchored_parts_only_through_a_soft_identifier(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var graph = RandomGraphs.Create(seed);
            var result = ConstrainedClustering.Cluster(graph);
            bool Soft(int node) => graph.Types[graph.NodeType[node]].Role == IdentifierRole.Soft;
            var hard = RandomGraphs.Subgraph(graph, e =>
                result.Decisions[e] is EdgeDecision.Merged or EdgeDecision.Redundant && !Soft(graph.Left[e]) && !Soft(graph.Right[e]));
            var part = RandomGraphs.Components(hard);
            var anchoredParts = Enumerable.Range(0, graph.NodeCount)
                .Where(i => graph.Types[graph.NodeType[i]].Role == IdentifierRole.Anchor)
                .GroupBy(i => result.ClusterOf[i])
                .Select(g => (Cluster: g.Key, Parts: g.Select(i => part[i]).Distinct().Count()));
            Assert.All(anchoredParts, c => Assert.True(c.Parts == 1, $"seed {seed}: cluster {c.Cluster} joins {c.Parts} anchored parts through soft identifiers"));
        }
    }

    private static Dictionary<(int, int), EdgeDecision> DecisionsByPair(IdentifierGraph graph, ClusteringResult result)
        => Enumerable.Range(0, graph.EdgeCount).ToDictionary(
            e => (Math.Min(graph.Left[e], graph.Right[e]), Math.Max(graph.Left[e], graph.Right[e])),
            e => result.Decisions[e]);
}
