using Cdp.Delta.Tests.Fixtures;

namespace Cdp.Delta.Tests.Log;

/// <summary>A table object that already loaded a snapshot catches up by replaying only newer commits.</summary>
public class IncrementalSnapshotTests
{
    [Fact]
    public async Task AWarmTableSeesOtherWritersCommitsAndEqualsAColdLoad()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var warm = t.Table;
        await warm.GetSnapshotAsync();

        for (var i = 0; i < 14; i++) await t.AppendAsync($"f{i}.parquet");
        var reads = t.Checkpoints.Reads.Count;
        var updated = await warm.GetSnapshotAsync();

        Assert.Equal(14, updated.Version);
        Assert.Equal(reads, t.Checkpoints.Reads.Count); // caught up from the log, not from the checkpoint
        ActionAssert.SameState(await t.Table.GetSnapshotAsync(), updated);
    }

    [Fact]
    public async Task AWarmTableNoticesTheTableWasRemoved()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.AppendAsync("a.parquet");
        var warm = t.Table;
        await warm.GetSnapshotAsync();
        var keys = new List<string>();
        await foreach (var o in t.Store.ListAsync("")) keys.Add(o.Key);
        foreach (var key in keys) await t.Store.DeleteAsync(key);

        var e = await Assert.ThrowsAsync<DeltaException>(() => warm.GetSnapshotAsync());
        Assert.Equal(DeltaErrorKind.NotATable, e.Kind);
    }
}
