using Cdp.Delta.Tests.Fixtures;

namespace Cdp.Delta.Tests;

public class TimeTravelTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Versions 0..3 whose commit files have times T0, T0+10s, T0+10s (equal) and T0+5s (earlier).</summary>
    private static async Task<TestTable> TableAsync()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: TestTable.File("v0.parquet"));
        await t.AppendAsync("v1.parquet");
        await t.AppendAsync("v2.parquet");
        await t.RemoveAsync("v0.parquet");
        t.MemoryStore.SetLastModified(TestTable.CommitKey(0), T0);
        t.MemoryStore.SetLastModified(TestTable.CommitKey(1), T0.AddSeconds(10));
        t.MemoryStore.SetLastModified(TestTable.CommitKey(2), T0.AddSeconds(10));
        t.MemoryStore.SetLastModified(TestTable.CommitKey(3), T0.AddSeconds(5));
        return t;
    }

    [Fact]
    public async Task CommitTimesAreMadeStrictlyIncreasing()
    {
        var t = await TableAsync();

        var times = await t.Table.GetCommitTimesAsync();

        Assert.Equal(
            [(0L, T0), (1L, T0.AddSeconds(10)), (2L, T0.AddSeconds(10).AddMilliseconds(1)), (3L, T0.AddSeconds(10).AddMilliseconds(2))],
            times);
        Assert.Equal(T0.AddSeconds(10).AddMilliseconds(1), (await t.Table.GetSnapshotAsync(2)).Timestamp);
        Assert.Equal(T0.AddSeconds(10).AddMilliseconds(2), (await t.Table.GetSnapshotAsync()).Timestamp);
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(9_999, 0L)]
    [InlineData(10_000, 1L)]
    [InlineData(10_001, 2L)]
    [InlineData(10_002, 3L)]
    [InlineData(5_000, 0L)]
    [InlineData(86_400_000, 3L)]
    public async Task AsOfTimestampPicksTheLatestCommitAtOrBefore(long millisAfterT0, long version)
    {
        var t = await TableAsync();

        var snapshot = await t.Table.GetSnapshotAsOfAsync(T0.AddMilliseconds(millisAfterT0));

        Assert.Equal(version, snapshot.Version);
        ActionAssert.SameState(await t.Table.GetSnapshotAsync(version), snapshot);
    }

    [Fact]
    public async Task AsOfTimestampInAnotherOffsetIsTheSameInstant()
    {
        var t = await TableAsync();
        var local = T0.AddSeconds(10).ToOffset(TimeSpan.FromHours(-5));

        Assert.Equal(1, (await t.Table.GetSnapshotAsOfAsync(local)).Version);
    }

    [Fact]
    public async Task TimestampBeforeTheFirstCommitIsAnError()
    {
        var t = await TableAsync();

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsOfAsync(T0.AddMilliseconds(-1)));

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains("2024-03-01T12:00:00.0000000+00:00", e.Message, StringComparison.Ordinal);
        Assert.Contains("earliest available commit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimestampBeforeTheEarliestRetainedCommitIsAnError()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        for (var i = 1; i <= 12; i++)
        {
            await t.AppendAsync($"f{i}.parquet");
            t.MemoryStore.SetLastModified(TestTable.CommitKey(i), T0.AddMinutes(i));
        }
        for (var v = 0; v < 10; v++) await t.Store.DeleteAsync(TestTable.CommitKey(v));

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsOfAsync(T0.AddMinutes(5)));
        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains(T0.AddMinutes(10).ToString("O"), e.Message, StringComparison.Ordinal);
        Assert.Equal(11, (await t.Table.GetSnapshotAsOfAsync(T0.AddMinutes(11))).Version);
    }

    [Fact]
    public async Task SnapshotAtACheckpointVersionHasItsCommitTime()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        for (var i = 1; i <= 10; i++) await t.AppendAsync($"f{i}.parquet");
        t.MemoryStore.SetLastModified(TestTable.CommitKey(10), T0);
        t.MemoryStore.SetLastModified(TestTable.CheckpointKey(10), T0.AddHours(1));

        var latest = await t.Table.GetSnapshotAsync();
        var byVersion = await t.Table.GetSnapshotAsync(10);

        Assert.Equal(T0, latest.Timestamp);
        Assert.Equal(T0, byVersion.Timestamp);
        Assert.Equal((10L, T0), (await t.Table.GetCommitTimesAsync())[^1]);
    }

    [Fact]
    public async Task HistoryIsNewestFirstWithOperationAndMetrics()
    {
        var t = await TableAsync();

        var history = await t.Table.GetHistoryAsync();

        Assert.Equal([3L, 2, 1, 0], history.Select(h => h.Version));
        Assert.Equal(["DELETE", "WRITE", "WRITE", "CREATE TABLE"], history.Select(h => h.Operation));
        Assert.Equal([0, 1, 1, 1], history.Select(h => h.Adds));
        Assert.Equal([1, 0, 0, 0], history.Select(h => h.Removes));
        Assert.Equal(1, history[0].OperationMetrics!["numRemovedFiles"]!.GetValue<int>());
        Assert.Equal(1, history[1].OperationMetrics!["numFiles"]!.GetValue<int>());
        Assert.Equal(T0.AddSeconds(10).AddMilliseconds(2), history[0].Timestamp);
        Assert.Equal(T0, history[3].Timestamp);
        Assert.All(history, h => Assert.StartsWith("Cdp.Lakehouse/", h.EngineInfo, StringComparison.Ordinal));
        Assert.NotNull(history[0].OperationParameters);

        var limited = await t.Table.GetHistoryAsync(limit: 2);
        Assert.Equal([3L, 2], limited.Select(h => h.Version));
    }

    [Fact]
    public async Task HistoryToleratesCommitsWithoutCommitInfo()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.WriteCommitAsync(1, """{"add":{"path":"x","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}}""");

        var history = await t.Table.GetHistoryAsync();

        Assert.Null(history[0].Operation);
        Assert.Null(history[0].OperationMetrics);
        Assert.Equal(1, history[0].Adds);
    }
}
