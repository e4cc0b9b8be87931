using Cdp.Identity.Graph;

namespace Cdp.Identity.Tests.Graph;

/// <summary>What limits and soft identifiers refuse, on hand-made graphs.</summary>
public class ClusteringRulesTests
{
    private static readonly IdentifierTypeRule[] Types =
    [
        new("customer_number", IdentifierRole.Anchor, 100, 1),
        new("email", IdentifierRole.Anchor, 80),
        new("device", IdentifierRole.Soft, 20),
    ];

    /// <summary>
    /// A chain customer_number c1 - email - email - email - customer_number c2 with one customer number per person:
    /// exactly one edge must go, and it is the weakest one wherever it sits in the chain.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_limit_refuses_the_weakest_edge_of_the_chain_and_records_the_limited_type(int weakest)
    {
        // nodes: 0 = c1, 1..3 = emails, 4 = c2; edge k joins node k and k+1
        byte[] nodeType = [0, 1, 1, 1, 0];
        var priority = Enumerable.Range(0, 4).Select(k => k == weakest ? 30 : 90 - k).ToArray();
        var graph = new IdentifierGraph(Types, nodeType, [0, 1, 2, 3], [1, 2, 3, 4], priority, [1, 1, 1, 1]);
        var reversed = new IdentifierGraph(Types, nodeType, [4, 3, 2, 1], [3, 2, 1, 0], priority.Reverse().ToArray(), [1, 1, 1, 1]);

        var result = ConstrainedClustering.Cluster(graph);

        Assert.Equal(Enumerable.Range(0, 4).Select(k => k == weakest ? EdgeDecision.BlockedLimit : EdgeDecision.Merged), result.Decisions);
        Assert.Equal("customer_number", Types[result.LimitType[weakest]].Name);
        Assert.Equal(2, result.ClusterCount);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => i <= weakest ? 0 : 1), result.ClusterOf);
        // The same chain given in the opposite order and direction refuses the same edge.
        var again = ConstrainedClustering.Cluster(reversed);
        Assert.Equal(result.ClusterOf, again.ClusterOf);
        Assert.Equal(EdgeDecision.BlockedLimit, again.Decisions[3 - weakest]);
    }

    [Fact]
    public void Support_breaks_a_priority_tie_so_the_edge_fewer_records_assert_is_refused()
    {
        // c1 - e - c2, both edges of priority 80; the e - c2 link is asserted by 5 records, c1 - e by 1.
        var graph = new IdentifierGraph(Types, [0, 1, 0], [0, 1], [1, 2], [80, 80], [1, 5]);
        var result = ConstrainedClustering.Cluster(graph);
        Assert.Equal([EdgeDecision.BlockedLimit, EdgeDecision.Merged], result.Decisions);
        Assert.Equal([0, 1, 1], result.ClusterOf);
    }

    [Fact]
    public void A_household_device_shared_by_two_customers_does_not_merge_them()
    {
        // nodes: 0 = customer C1, 1 = customer C2, 2 = the household tablet; each customer used it.
        var graph = new IdentifierGraph(Types, [0, 0, 2], [0, 1], [2, 2], [20, 20], [1, 1]);
        var result = ConstrainedClustering.Cluster(graph);

        Assert.Equal(2, result.ClusterCount);
        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[1]);
        // The device joins one of them (the first in clustering order); the other link is refused as soft.
        Assert.Equal([EdgeDecision.Merged, EdgeDecision.BlockedSoft], result.Decisions);
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[2]);
    }

    [Fact]
    public void Ten_thousand_people_sharing_one_device_stay_ten_thousand_persons()
    {
        const int people = 10_000;
        var nodeType = new byte[people + 1];
        nodeType[people] = 2;
        var left = Enumerable.Range(0, people).ToArray();
        var right = Enumerable.Repeat(people, people).ToArray();
        var graph = new IdentifierGraph(Types, nodeType, left, right, Enumerable.Repeat(20, people).ToArray(), Enumerable.Repeat(1, people).ToArray());

        var result = ConstrainedClustering.Cluster(graph);

        Assert.Equal(people, result.ClusterCount);
        Assert.Equal(people, result.ClusterOf.Take(people).Distinct().Count());
        Assert.Equal(1, result.Decisions.Count(d => d == EdgeDecision.Merged));
        Assert.Equal(people - 1, result.Decisions.Count(d => d == EdgeDecision.BlockedSoft));
    }

    /// <summary>
    /// A device configured stronger than sessions: the device joins customer C1, a session joins the device, and the
    /// session also names customer C2. Taking the soft edges by priority alone merged C1 and C2 through the device.
    /// </summary>
    [Fact]
    public void A_soft_identifier_configured_stronger_than_records_still_does_not_merge_two_customers()
    {
        IdentifierTypeRule[] types = [new("customer_number", IdentifierRole.Anchor, 100), new("web_session", IdentifierRole.Record, 40), new("device", IdentifierRole.Soft, 50)];
        // nodes: 0 = C1, 1 = C2, 2 = session, 3 = device; edges: C1 - device, device - session (3 records), session - C2
        var graph = new IdentifierGraph(types, [0, 0, 1, 2], [0, 3, 2], [3, 2, 1], [50, 40, 40], [1, 3, 1]);

        var result = ConstrainedClustering.Cluster(graph);

        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[1]);
        Assert.Equal([EdgeDecision.Merged, EdgeDecision.BlockedSoft, EdgeDecision.Merged], result.Decisions);
        // Edges between non-soft identifiers come first, whatever the priorities; then the soft ones, strongest first.
        Assert.Equal([2, 0, 1], graph.ClusteringOrder());
    }

    [Fact]
    public void A_soft_identifier_still_collects_anonymous_records()
    {
        // device - session1, device - session2, session2 - customer: one person with the device and both sessions.
        IdentifierTypeRule[] types = [.. Types, new("web_session", IdentifierRole.Record, 50)];
        var graph = new IdentifierGraph(types, [2, 3, 3, 0], [0, 0, 2], [1, 2, 3], [20, 20, 50], [1, 1, 1]);
        var result = ConstrainedClustering.Cluster(graph);
        Assert.Equal(1, result.ClusterCount);
        Assert.All(result.Decisions, d => Assert.Equal(EdgeDecision.Merged, d));
    }

    [Fact]
    public void Edges_refused_before_clustering_keep_their_decision_and_merge_nothing()
    {
        var graph = new IdentifierGraph(Types, [0, 1, 0], [0, 1], [1, 2], [80, 80], [1, 1]);
        var result = ConstrainedClustering.Cluster(graph, [EdgeDecision.BlockedDetected, EdgeDecision.Merged]);
        Assert.Equal([EdgeDecision.BlockedDetected, EdgeDecision.Merged], result.Decisions);
        Assert.Equal([0, 1, 1], result.ClusterOf);
    }
}
