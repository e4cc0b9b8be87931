using Cdp.Identity.Graph;

namespace Cdp.Identity.Tests.Graph;

/// <summary>Stable person ids across runs: kept, restored after a split-back, fresh ids never reused.</summary>
public class PersonIdAssignmentTests
{
    private static readonly long[] None = [-1, -1, -1, -1, -1, -1];

    [Fact]
    public void A_rebuild_of_the_same_partition_keeps_every_id()
    {
        // First run: three clusters {0,1}, {2,3}, {4,5} get ids 1, 2, 3 in cluster order.
        int[] clusters = [0, 0, 1, 1, 2, 2];
        var first = PersonIdAssignment.Assign(clusters, 3, None, None, nextPersonId: 1);
        Assert.Equal([1L, 2, 3], first.PersonOfCluster);
        Assert.All(first.HowChosen, h => Assert.Equal(IdOrigin.New, h));

        var previous = PersonOf(first, clusters);
        var again = PersonIdAssignment.Assign(clusters, 3, previous, first.OriginOfNode, first.NextPersonId);

        Assert.Equal(first.PersonOfCluster, again.PersonOfCluster);
        Assert.All(again.HowChosen, h => Assert.Equal(IdOrigin.Kept, h));
        Assert.Equal(first.NextPersonId, again.NextPersonId);
        Assert.Equal(first.OriginOfNode, again.OriginOfNode);
    }

    [Fact]
    public void A_merge_keeps_the_older_id_and_undoing_it_restores_the_other()
    {
        int[] apart = [0, 0, 1, 1, 2, 2];
        var first = PersonIdAssignment.Assign(apart, 3, None, None, 1);

        // A new record links {2,3} and {4,5}: one person, with the older (smaller) id 2, even though it is listed second.
        int[] merged = [0, 0, 1, 1, 1, 1];
        var second = PersonIdAssignment.Assign(merged, 2, PersonOf(first, apart), first.OriginOfNode, first.NextPersonId);
        Assert.Equal([1L, 2], second.PersonOfCluster);
        Assert.Equal([IdOrigin.Kept, IdOrigin.Kept], second.HowChosen);
        Assert.Equal(3, second.OriginOfNode[4]); // nodes remember the id they were first given

        // The record is removed: the split-back part gets id 3 again, not a fresh one.
        var third = PersonIdAssignment.Assign(apart, 3, PersonOf(second, merged), second.OriginOfNode, second.NextPersonId);
        Assert.Equal([1L, 2, 3], third.PersonOfCluster);
        Assert.Equal([IdOrigin.Kept, IdOrigin.Kept, IdOrigin.Restored], third.HowChosen);
        Assert.Equal(4, third.NextPersonId);
    }

    [Fact]
    public void The_id_stays_where_the_native_identifiers_are_when_a_person_splits()
    {
        // Person 1 = {0,1,2}; nodes 0,1 are native to 1, node 2 joined later from retired person 5.
        long[] previous = [1, 1, 1, -1, -1, -1];
        long[] origin = [1, 1, 5, -1, -1, -1];
        int[] clusters = [1, 1, 0, 2, 2, 2];
        var ids = PersonIdAssignment.Assign(clusters, 3, previous, origin, nextPersonId: 6);
        Assert.Equal(1, ids.PersonOfCluster[1]);
        Assert.Equal((5L, IdOrigin.Restored), (ids.PersonOfCluster[0], ids.HowChosen[0]));
        Assert.Equal((6L, IdOrigin.New), (ids.PersonOfCluster[2], ids.HowChosen[2]));
    }

    [Fact]
    public void New_persons_get_ids_never_used_before_even_after_a_person_retires()
    {
        int[] clusters = [0, 0, 1, 1, 2, 2];
        var first = PersonIdAssignment.Assign(clusters, 3, None, None, 1);

        // Person 3's identifiers disappear (nodes 4 and 5 are new identifiers now): 3 is retired, never reissued.
        var previous = PersonOf(first, clusters);
        previous[4] = previous[5] = -1;
        long[] origin = [.. first.OriginOfNode];
        origin[4] = origin[5] = -1;
        var second = PersonIdAssignment.Assign(clusters, 3, previous, origin, first.NextPersonId);

        Assert.Equal([1L, 2, 4], second.PersonOfCluster);
        Assert.Equal(IdOrigin.New, second.HowChosen[2]);
        Assert.Equal(5, second.NextPersonId);
    }

    [Fact]
    public void Skipped_clusters_get_no_person_and_use_no_id()
    {
        int[] clusters = [0, 0, 1, 1, 2, 2];
        var ids = PersonIdAssignment.Assign(clusters, 3, None, None, 1, skip: [false, true, false]);
        Assert.Equal([1L, -1, 2], ids.PersonOfCluster);
        Assert.Equal(3, ids.NextPersonId);
    }

    private static long[] PersonOf(PersonIds ids, int[] clusterOf) => clusterOf.Select(c => ids.PersonOfCluster[c]).ToArray();
}
