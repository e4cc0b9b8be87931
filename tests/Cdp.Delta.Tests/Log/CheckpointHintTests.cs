using Cdp.Delta.Tests.Fixtures;

namespace Cdp.Delta.Tests.Log;

/// <summary>_last_checkpoint is only a hint: whatever it says, the latest snapshot must be the right one.</summary>
public class CheckpointHintTests
{
    /// <summary>Versions 0..25 with checkpoints at 10 and 20 (default interval), files added and removed, app transactions.</summary>
    private static async Task<TestTable> TableAsync()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: TestTable.File("f0.parquet"));
        for (var v = 1; v <= 25; v++)
        {
            if (v % 7 == 0) await t.RemoveAsync($"f{v - 3}.parquet");
            else if (v % 5 == 0) await t.SetAppTransactionAsync("job", v, TestTable.File($"f{v}.parquet"));
            else await t.AppendAsync($"f{v}.parquet");
        }
        Assert.Equal([TestTable.CheckpointKey(10), TestTable.CheckpointKey(20)], t.Checkpoints.Writes);
        t.Checkpoints.Clear();
        return t;
    }

    private static async Task AssertLatestIsRightAsync(TestTable t, string expectedCheckpoint)
    {
        var snapshot = await t.Table.GetSnapshotAsync();

        ActionAssert.SameState(await t.FullReplayAsync(), snapshot);
        Assert.Equal(25, snapshot.Version);
        Assert.Equal(20, snapshot.Files.Count); // 23 files added, 3 removed
        Assert.Equal(25, snapshot.AppTransactionVersion("job"));
        Assert.Equal([expectedCheckpoint], t.Checkpoints.Reads);
    }

    [Fact]
    public async Task HintPointsAtTheLatestCheckpoint()
    {
        var t = await TableAsync();
        Assert.Equal(20, System.Text.Json.Nodes.JsonNode.Parse(await t.Store.ReadAllAsync(TestTable.LastCheckpointKey))!["version"]!.GetValue<long>());
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(20));
    }

    [Fact]
    public async Task MissingHint()
    {
        var t = await TableAsync();
        await t.Store.DeleteAsync(TestTable.LastCheckpointKey);
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(20));
    }

    [Fact]
    public async Task StaleHintPointingToAnOlderCheckpoint()
    {
        var t = await TableAsync();
        await t.WriteHintAsync("""{"version":10,"size":14}""");
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(20));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(30)]
    [InlineData(99999)]
    [InlineData(-4)]
    [InlineData(0)]
    public async Task HintPointingToACheckpointThatDoesNotExist(long version)
    {
        var t = await TableAsync();
        await t.WriteHintAsync($$"""{"version":{{version}},"size":3}""");
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(20));
    }

    [Fact]
    public async Task HintPointingToADeletedCheckpointFallsBackToAnOlderOne()
    {
        var t = await TableAsync();
        await t.Store.DeleteAsync(TestTable.CheckpointKey(20));
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(10));
    }

    [Fact]
    public async Task HintPointingToAnIncompleteMultiPartCheckpoint()
    {
        var t = await TableAsync();
        await t.Store.DeleteAsync(TestTable.CheckpointKey(20));
        await t.Store.WriteAsync("_delta_log/00000000000000000020.checkpoint.0000000001.0000000002.parquet", await t.Store.ReadAllAsync(TestTable.CheckpointKey(10)));
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"20\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"version":"twenty"}""")]
    [InlineData("""{"version":20.5}""")]
    [InlineData("""{"version":null}""")]
    [InlineData("""{"version":{"v":20}}""")]
    [InlineData("\u0000\u00ff garbage")]
    public async Task CorruptHint(string content)
    {
        var t = await TableAsync();
        await t.WriteHintAsync(content);
        await AssertLatestIsRightAsync(t, TestTable.CheckpointKey(20));
    }

    [Fact]
    public async Task HintIsNotUsedForTimeTravel()
    {
        var t = await TableAsync();

        var v15 = await t.Table.GetSnapshotAsync(15);

        ActionAssert.SameState(await t.FullReplayAsync(15), v15);
        Assert.Equal([TestTable.CheckpointKey(10)], t.Checkpoints.Reads);
    }
}
