using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Transactions;

/// <summary>Many writers appending at once: every commit lands exactly once at its own version.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private const int Writers = 8;
    private const int CommitsPerWriter = 50;
    private const int RefreshEvery = 5;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public Task BlindAppendsInMemory() => BlindAppendsAsync(TestTable.InMemory());

    [Fact]
    public Task BlindAppendsOnLocalDisk() => BlindAppendsAsync(new TestTable(new LocalObjectStore(_folder.Path)));

    [Fact]
    public async Task PutIfAbsentOnLocalDiskHasExactlyOneWinner()
    {
        var store = new LocalObjectStore(_folder.Path);
        for (var round = 0; round < 100; round++)
        {
            var key = TestTable.CommitKey(round);
            using var start = new Barrier(Writers);
            // Dedicated threads released together, so the racers really overlap.
            var racers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return store.PutIfAbsentAsync(key, System.Text.Encoding.UTF8.GetBytes($"writer {w}\n"));
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
            var won = await Task.WhenAll(racers);

            var winner = Assert.Single(Enumerable.Range(0, Writers), w => won[w]);
            Assert.Equal($"writer {winner}\n", System.Text.Encoding.UTF8.GetString(await store.ReadAllAsync(key)));
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder.Path, "_delta_log"), ".cdp-tmp-*"));
    }

    private static async Task BlindAppendsAsync(TestTable t)
    {
        await t.CreateAsync();
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            start.Wait();
            var results = new List<CommitResult>();
            Snapshot? read = null;
            for (var i = 0; i < CommitsPerWriter; i++)
            {
                // Reload now and then; in between, a stale read snapshot makes the commit walk past the winners.
                if (i % RefreshEvery == 0) read = await t.Table.GetSnapshotAsync();
                var txn = t.Table.StartTransaction(read, "WRITE");
                txn.MaxAttempts = 1000;
                txn.Add(TestTable.File($"w{w}/c{i}.parquet"));
                results.Add(await txn.CommitAsync());
            }
            return results;
        })).ToList();
        start.Set();
        var results = (await Task.WhenAll(workers)).SelectMany(r => r).ToList();

        // 400 commits at versions 1..400 (0 created the table), none skipped or shared.
        Assert.Equal(Writers * CommitsPerWriter, results.Count);
        Assert.True(results.Sum(r => r.Attempts) > results.Count, "the writers never raced");
        Assert.All(results, r => Assert.False(r.AlreadyCommitted));
        Assert.Equal(Enumerable.Range(1, Writers * CommitsPerWriter).Select(v => (long)v), results.Select(r => r.Version).Order());
        Assert.Equal(Enumerable.Range(0, Writers * CommitsPerWriter + 1).Select(v => (long)v), await t.CommitVersionsAsync());

        // Every file was added by exactly one commit and is live.
        var added = new List<string>();
        foreach (var v in await t.CommitVersionsAsync()) added.AddRange((await t.Table.ReadCommitAsync(v)).OfType<AddFile>().Select(a => a.Path));
        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, CommitsPerWriter).Select(i => $"w{w}/c{i}.parquet")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, added.Order(StringComparer.Ordinal));
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(400, snapshot.Version);
        Assert.Equal(expected, snapshot.Files.Select(f => f.Path));

        // Checkpoints written while others committed agree with the log.
        Assert.Contains(TestTable.CheckpointKey(400), await t.KeysAsync());
        ActionAssert.SameState(await t.FullReplayAsync(), snapshot);
        ActionAssert.SameState(await t.FullReplayAsync(255), await t.Table.GetSnapshotAsync(255));
    }

    [Fact]
    public async Task StaleBlindAppendWalksForwardPastManyWinners()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var stale = await t.Table.GetSnapshotAsync();
        for (var i = 1; i <= 30; i++) await t.AppendAsync($"f{i}.parquet");

        var txn = t.Table.StartTransaction(stale, "WRITE");
        txn.Add(TestTable.File("late.parquet"));
        var result = await txn.CommitAsync();

        Assert.Equal(31, result.Version);
        Assert.Equal(31, result.Attempts);
        Assert.Equal(31, (await t.Table.GetSnapshotAsync()).Files.Count);
    }

    [Fact]
    public async Task GivesUpAfterMaxAttempts()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        var stale = await t.Table.GetSnapshotAsync();
        for (var i = 1; i <= 5; i++) await t.AppendAsync($"f{i}.parquet");

        var txn = t.Table.StartTransaction(stale, "WRITE");
        txn.MaxAttempts = 3;
        txn.Add(TestTable.File("late.parquet"));
        var e = await Assert.ThrowsAsync<DeltaException>(() => txn.CommitAsync());

        Assert.Equal(DeltaErrorKind.ConcurrentModification, e.Kind);
        Assert.Contains("3 attempts", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await t.Table.GetSnapshotAsync()).Version);
    }
}
