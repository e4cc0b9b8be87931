using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;

namespace Cdp.Delta.Tests.Transactions;

/// <summary>(appId, version) makes a write idempotent: a batch that was committed is never committed twice.</summary>
public class AppTransactionTests
{
    private static Transaction Batch(TestTable t, Snapshot read, string appId, long version, string file)
    {
        var txn = t.Table.StartTransaction(read, "WRITE");
        txn.SetAppTransaction(appId, version);
        txn.Add(TestTable.File(file));
        return txn;
    }

    private static async Task<int> AddCountAsync(TestTable t, string path)
    {
        var count = 0;
        foreach (var v in await t.CommitVersionsAsync()) count += (await t.Table.ReadCommitAsync(v)).OfType<AddFile>().Count(a => a.Path == path);
        return count;
    }

    [Fact]
    public async Task RecommitOfACommittedBatchWritesNothing()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var first = await t.SetAppTransactionAsync("nightly-load", 7, TestTable.File("batch7.parquet"));
        await t.AppendAsync("other.parquet");

        var again = await t.SetAppTransactionAsync("nightly-load", 7, TestTable.File("batch7-retry.parquet"));
        var older = await t.SetAppTransactionAsync("nightly-load", 6, TestTable.File("batch6.parquet"));

        Assert.Equal((1L, false), (first.Version, first.AlreadyCommitted));
        Assert.True(again.AlreadyCommitted);
        Assert.Equal(2, again.Version);
        Assert.Equal(0, again.Attempts);
        Assert.True(older.AlreadyCommitted);
        Assert.Equal([0L, 1, 2], await t.CommitVersionsAsync());
        Assert.Equal(["batch7.parquet", "other.parquet"], (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));

        var next = await t.SetAppTransactionAsync("nightly-load", 8, TestTable.File("batch8.parquet"));
        Assert.Equal((3L, false), (next.Version, next.AlreadyCommitted));
        Assert.Equal(8, (await t.Table.GetSnapshotAsync()).AppTransactionVersion("nightly-load"));
    }

    [Fact]
    public async Task OtherAppIdsAreIndependent()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.SetAppTransactionAsync("a", 5);

        var b = await t.SetAppTransactionAsync("b", 5);

        Assert.False(b.AlreadyCommitted);
        Assert.Equal(2, b.Version);
    }

    [Fact]
    public async Task DuplicateThatLosesTheRaceWritesNothing()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var v0 = await t.Table.GetSnapshotAsync();
        var original = Batch(t, v0, "job", 1, "run-a.parquet");
        var retry = Batch(t, v0, "job", 1, "run-b.parquet");

        Assert.False((await original.CommitAsync()).AlreadyCommitted);
        var result = await retry.CommitAsync();

        Assert.True(result.AlreadyCommitted);
        Assert.Equal(1, result.Version);
        Assert.Equal([0L, 1], await t.CommitVersionsAsync());
        Assert.Equal(0, await AddCountAsync(t, "run-b.parquet"));
    }

    [Fact]
    public async Task DuplicateFindsTheOriginalBehindUnrelatedWinners()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var v0 = await t.Table.GetSnapshotAsync();
        await t.AppendAsync("unrelated-1.parquet");
        Assert.Equal(2, (await Batch(t, v0, "job", 1, "run-a.parquet").CommitAsync()).Version);
        await t.AppendAsync("unrelated-2.parquet");

        var result = await Batch(t, v0, "job", 1, "run-b.parquet").CommitAsync();

        Assert.True(result.AlreadyCommitted);
        Assert.Equal(2, result.Version);
        Assert.Equal(2, result.Attempts);
        Assert.Equal([0L, 1, 2, 3], await t.CommitVersionsAsync());
    }

    [Fact]
    public async Task ConcurrentDuplicatesCommitOnce()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var v0 = await t.Table.GetSnapshotAsync();
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var txn = Batch(t, v0, "job", 1, $"run-{i}.parquet");
            start.Wait();
            return await txn.CommitAsync();
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => !r.AlreadyCommitted);
        Assert.All(results, r => Assert.Equal(1, r.Version));
        Assert.Equal([0L, 1], await t.CommitVersionsAsync());
        Assert.Single((await t.Table.GetSnapshotAsync()).Files);
    }

    [Fact]
    public async Task OneCommitMayLandSeveralAppIdsAndIsSkippedWhenAnyWasCommitted()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var v0 = await t.Table.GetSnapshotAsync();
        var both = t.Table.StartTransaction(v0, "WRITE");
        both.SetAppTransaction("file-a", 1);
        both.SetAppTransaction("file-b", 1);
        both.Add(TestTable.File("ab.parquet"));
        Assert.Throws<DeltaException>(() => both.SetAppTransaction("file-a", 1));
        Assert.False((await both.CommitAsync()).AlreadyCommitted);
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal((1L, 1L), (snapshot.AppTransactionVersion("file-a"), snapshot.AppTransactionVersion("file-b")));

        // A later batch holding one of them is skipped whole, whether it reads before or after that commit.
        var later = t.Table.StartTransaction(snapshot, "WRITE");
        later.SetAppTransaction("file-b", 1);
        later.SetAppTransaction("file-c", 1);
        later.Add(TestTable.File("bc.parquet"));
        Assert.True((await later.CommitAsync()).AlreadyCommitted);
        var stale = Batch(t, v0, "file-c", 1, "c.parquet");
        stale.SetAppTransaction("file-a", 1);
        var lost = await stale.CommitAsync();
        Assert.Equal((true, 1L), (lost.AlreadyCommitted, lost.Version));
        Assert.Equal(["ab.parquet"], (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));
        Assert.Null((await t.Table.GetSnapshotAsync()).AppTransactionVersion("file-c"));
    }
}
