using System.Text;
using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Transactions;

/// <summary>
/// A table exercising everything a checkpoint must carry, built once: partition values (null, empty, hostile), stats,
/// tags, app transactions, tombstones, a metadata change and a protocol with writer features. Its checkpoints at
/// versions 10 and 20 are Parquet, written by <see cref="CheckpointWriter"/>.
/// </summary>
public sealed class RichTableFixture : IAsyncLifetime
{
    public DuckDbCheckpoints Parquet { get; } = new();

    /// <summary>The table, read through the Parquet checkpoint format.</summary>
    public TestTable Table { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var built = await BuildAsync();
        foreach (var key in new[] { TestTable.CheckpointKey(10), TestTable.CheckpointKey(20), TestTable.LastCheckpointKey }) await built.Store.DeleteAsync(key);
        Table = new TestTable(built.Store, Parquet.Format, built.Clock);
        await CheckpointWriter.WriteAsync(Table.Table, 10);
        await CheckpointWriter.WriteAsync(Table.Table, 20);
    }

    public Task DisposeAsync()
    {
        Parquet.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<TestTable> BuildAsync()
    {
        var t = TestTable.InMemory();
        var metadata = TestTable.NewMetadata(new Dictionary<string, string> { ["custom.owner"] = "crm", ["delta.appendOnly"] = "false" }, ["part"])
            with { Description = "customers \"golden\" records", FormatOptions = new Dictionary<string, string> { ["compression"] = "zstd" } };
        await t.CreateAsync(metadata, new Protocol(1, 7, null, ["appendOnly"]),
            TestTable.File("part=x/0.parquet", 10, TestTable.Part("x"), """{"numRecords":2,"minValues":{"id":1,"name":"Zoë \"Z\""},"maxValues":{"id":2,"name":"日本"},"nullCount":{"id":0,"name":1}}"""),
            TestTable.File("part=__HIVE_DEFAULT_PARTITION__/0.parquet", 11, TestTable.Part(null)),
            TestTable.File("part=/0.parquet", 12, TestTable.Part("")),
            new AddFile("part=a%252Fb/0.parquet", TestTable.Part("a/b"), 13, 99, true, null, new Dictionary<string, string?> { ["ZORDER"] = "id", ["empty"] = null }));
        for (var v = 1; v <= 23; v++)
        {
            t.Clock.Advance(TimeSpan.FromSeconds(1));
            if (v == 13)
            {
                var s = await t.Table.GetSnapshotAsync();
                var txn = t.Table.StartTransaction(s, "SET TBLPROPERTIES");
                txn.UpdateMetadata(s.Metadata with { Configuration = new Dictionary<string, string> { ["custom.owner"] = "marketing" } });
                await txn.CommitAsync();
            }
            else if (v % 6 == 0) await t.RewriteAsync([v == 6 ? "part=x/0.parquet" : $"part=y/{v - 1}.parquet"], TestTable.File($"part=y/{v}r.parquet", v, TestTable.Part("y")));
            else if (v % 4 == 0) await t.SetAppTransactionAsync(v % 8 == 0 ? "nightly" : "hourly", v, TestTable.File($"part=z/{v}.parquet", v, TestTable.Part("z")));
            else await t.AppendAsync(TestTable.File($"part=y/{v}.parquet", v, TestTable.Part("y"), $$"""{"numRecords":{{v}}}"""));
        }
        return t;
    }
}

public sealed class CheckpointTests(RichTableFixture rich) : IClassFixture<RichTableFixture>, IDisposable
{
    // One engine for the class: tests in a class run one at a time, so they never share its cache concurrently.
    private readonly DuckDbCheckpoints _parquet = rich.Parquet;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static async Task<List<long>> CheckpointVersionsAsync(TestTable t)
        => (await t.KeysAsync("_delta_log/"))
            .Select(k => Cdp.Delta.Log.LogFileName.TryParse(k["_delta_log/".Length..]))
            .Where(n => n?.Kind == Cdp.Delta.Log.LogFileKind.Checkpoint)
            .Select(n => n!.Version)
            .ToList();

    private static async Task<long?> HintAsync(TestTable t)
        => JsonNode.Parse(await t.Store.ReadAllAsync(TestTable.LastCheckpointKey))!["version"]!.GetValue<long>();

    [Fact]
    public async Task DefaultIntervalCheckpointsEveryTenCommits()
    {
        var t = TestTable.InMemory();
        var results = new List<CommitResult> { await t.CreateAsync() };
        for (var i = 1; i <= 24; i++) results.Add(await t.AppendAsync($"f{i}.parquet"));

        Assert.Equal(Enumerable.Range(0, 25).Select(v => (long)v), results.Select(r => r.Version));
        Assert.Equal([10L, 20], results.Where(r => r.CheckpointWritten).Select(r => r.Version));
        Assert.Equal([10L, 20], await CheckpointVersionsAsync(t));
        Assert.Equal(20, await HintAsync(t));
    }

    [Theory]
    [InlineData("3", new long[] { 3, 6, 9, 12 })]
    [InlineData("1", new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData("0", new long[] { 10 })]
    [InlineData("-5", new long[] { 10 })]
    [InlineData("often", new long[] { 10 })]
    public async Task CustomInterval(string interval, long[] expected)
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(new Dictionary<string, string> { ["delta.checkpointInterval"] = interval });
        for (var i = 1; i <= 12; i++) await t.AppendAsync($"f{i}.parquet");

        Assert.Equal(expected, await CheckpointVersionsAsync(t));
        Assert.Equal(expected[^1], await HintAsync(t));
    }

    [Fact]
    public async Task CustomIntervalWithParquetCheckpoints()
    {
        var t = TestTable.InMemory(_parquet.Format);
        await t.CreateAsync(new Dictionary<string, string> { ["delta.checkpointInterval"] = "4" });
        for (var i = 1; i <= 9; i++) await t.AppendAsync($"f{i}.parquet");

        Assert.Equal([4L, 8], await CheckpointVersionsAsync(t));
        t.Checkpoints.Clear();
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal([TestTable.CheckpointKey(8)], t.Checkpoints.Reads);
        ActionAssert.SameState(await t.FullReplayAsync(), snapshot);
    }

    [Theory]
    [InlineData(null, 20L)]
    [InlineData(23L, 20L)]
    [InlineData(20L, 20L)]
    [InlineData(15L, 10L)]
    [InlineData(10L, 10L)]
    public async Task CheckpointPlusLaterCommitsEqualsFullReplay(long? version, long checkpoint)
    {
        var t = rich.Table;
        t.Checkpoints.Clear();

        var snapshot = await t.Table.GetSnapshotAsync(version);

        Assert.Equal([TestTable.CheckpointKey(checkpoint)], t.Checkpoints.Reads);
        var expected = await t.FullReplayAsync(version);
        ActionAssert.SameState(expected, snapshot);
        Assert.NotEmpty(expected.Tombstones);
        Assert.NotEmpty(expected.AppTransactions);
        Assert.Contains(expected.Files, f => f.PartitionValues["part"] is null);
        Assert.Contains(expected.Files, f => f.Tags is not null);
    }

    [Fact]
    public async Task CheckpointHoldsTheReconciledStateOnly()
    {
        var t = rich.Table;
        var snapshot = await t.Table.GetSnapshotAsync(20);

        var actions = await rich.Parquet.Format.ReadAsync(t.Store, [(await t.Store.GetInfoAsync(TestTable.CheckpointKey(20)))!], CancellationToken.None);

        Assert.Single(actions.OfType<Protocol>());
        Assert.Equal("marketing", Assert.Single(actions.OfType<Metadata>()).Configuration["custom.owner"]);
        Assert.Equal(snapshot.Files.Select(f => f.Path).Order(StringComparer.Ordinal), actions.OfType<AddFile>().Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(snapshot.Tombstones.Select(f => f.Path).Order(StringComparer.Ordinal), actions.OfType<RemoveFile>().Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(2, actions.OfType<SetTransaction>().Count());
        Assert.Empty(actions.OfType<CommitInfo>());
    }

    [Fact]
    public async Task ParquetCheckpointOnLocalDisk()
    {
        var t = new TestTable(new LocalObjectStore(_folder.Path), _parquet.Format);
        await t.CreateAsync(TestTable.NewMetadata(partitionColumns: ["part"]), null, TestTable.File("part=a/0.parquet", 1, TestTable.Part("a")));
        for (var i = 1; i <= 12; i++)
        {
            if (i == 5) await t.RemoveAsync("part=a/0.parquet");
            else await t.SetAppTransactionAsync("job", i, TestTable.File($"part=__HIVE_DEFAULT_PARTITION__/{i}.parquet", i, TestTable.Part(null)));
        }
        t.Checkpoints.Clear();

        var snapshot = await t.Table.GetSnapshotAsync();

        Assert.Equal("PAR1"u8.ToArray(), File.ReadAllBytes(Path.Combine(_folder.Path, "_delta_log", "00000000000000000010.checkpoint.parquet"))[..4]);
        Assert.Equal([TestTable.CheckpointKey(10)], t.Checkpoints.Reads);
        ActionAssert.SameState(await t.FullReplayAsync(), snapshot);
        Assert.Equal(11, snapshot.Files.Count);
        Assert.Equal(12, snapshot.AppTransactionVersion("job"));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, LocalObjectStore.StagingFolder)) && Directory.EnumerateFileSystemEntries(Path.Combine(_folder.Path, LocalObjectStore.StagingFolder)).Any());
    }

    [Fact]
    public async Task ExpiredTombstonesAreLeftOutOfCheckpoints()
    {
        var t = TestTable.InMemory(_parquet.Format);
        await t.CreateAsync(files: [TestTable.File("old.parquet"), TestTable.File("recent.parquet")]);
        await t.RemoveAsync("old.parquet");
        t.Clock.Advance(TimeSpan.FromDays(6));
        await t.RemoveAsync("recent.parquet");
        t.Clock.Advance(TimeSpan.FromDays(2));
        for (var i = 3; i <= 10; i++) await t.AppendAsync($"f{i}.parquet");

        var actions = await _parquet.Format.ReadAsync(t.Store, [(await t.Store.GetInfoAsync(TestTable.CheckpointKey(10)))!], CancellationToken.None);

        Assert.Equal(["recent.parquet"], actions.OfType<RemoveFile>().Select(r => r.Path));
        Assert.Equal(8, actions.OfType<AddFile>().Count());
    }

    [Fact]
    public async Task TombstoneWithStatsDoesNotBreakTheCheckpoint()
    {
        var t = TestTable.InMemory(_parquet.Format);
        await t.CreateAsync(files: TestTable.File("a.parquet"));
        await t.WriteCommitAsync(1, """{"remove":{"path":"a.parquet","deletionTimestamp":1704067200000,"dataChange":true,"size":100,"stats":"{\"numRecords\":4}","tags":{"x":"y"}}}""");
        for (var i = 2; i <= 10; i++) await t.AppendAsync($"f{i}.parquet");

        Assert.Equal([TestTable.CheckpointKey(10)], t.Checkpoints.Writes);
        t.Checkpoints.Clear();
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal([TestTable.CheckpointKey(10)], t.Checkpoints.Reads);
        Assert.Equal(9, snapshot.Files.Count);
        Assert.Equal("a.parquet", Assert.Single(snapshot.Tombstones).Path);
    }

    [Fact]
    public async Task FailedCheckpointLeavesTheCommitStanding()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        for (var i = 1; i <= 9; i++) await t.AppendAsync($"f{i}.parquet");
        t.Checkpoints.FailWritesWith = new InvalidOperationException("the checkpoint engine failed");

        var result = await t.AppendAsync("f10.parquet");

        Assert.Equal(10, result.Version);
        Assert.False(result.CheckpointWritten);
        Assert.False(result.AlreadyCommitted);
        Assert.Equal(10, (await t.Table.GetSnapshotAsync()).Files.Count);
        Assert.DoesNotContain(TestTable.CheckpointKey(10), await t.KeysAsync());

        t.Checkpoints.FailWritesWith = new IOException("disk full");
        for (var i = 11; i <= 20; i++) Assert.False((await t.AppendAsync($"f{i}.parquet")).CheckpointWritten);
        Assert.Equal(20, (await t.Table.GetSnapshotAsync()).Files.Count);
    }

    [Fact]
    public async Task OlderCheckpointDoesNotMoveTheHintBack()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        for (var i = 1; i <= 20; i++) await t.AppendAsync($"f{i}.parquet");

        await CheckpointWriter.WriteAsync(t.Table, 15);

        Assert.Equal(20, await HintAsync(t));
        Assert.Contains(TestTable.CheckpointKey(15), await t.KeysAsync());
        t.Checkpoints.Clear();
        Assert.Equal(17, (await t.Table.GetSnapshotAsync(17)).Files.Count);
        Assert.Equal([TestTable.CheckpointKey(15)], t.Checkpoints.Reads);
    }

    [Fact]
    public async Task CheckpointWrittenOnRequestIsUsedAndUpdatesTheHint()
    {
        var t = TestTable.InMemory(_parquet.Format);
        await t.CreateAsync();
        for (var i = 1; i <= 5; i++) await t.AppendAsync($"f{i}.parquet");
        await t.Store.WriteAsync("_delta_log/00000000000000000001.json.tmp", Encoding.UTF8.GetBytes("junk"));

        await CheckpointWriter.WriteAsync(t.Table, 5);
        for (var i = 0; i < 5; i++) await t.Store.DeleteAsync(TestTable.CommitKey(i));

        Assert.Equal(5, await HintAsync(t));
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(5, snapshot.Version);
        Assert.Equal(5, snapshot.Files.Count);
    }
}
