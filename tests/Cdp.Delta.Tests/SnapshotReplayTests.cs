using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;

namespace Cdp.Delta.Tests;

public class SnapshotReplayTests
{
    [Fact]
    public async Task AddRemoveAndReAddOfOnePath()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: [TestTable.File("a.parquet", 1), TestTable.File("b.parquet", 2)]);
        t.Clock.Advance(TimeSpan.FromMinutes(1));
        await t.RemoveAsync("a.parquet");
        await t.AppendAsync(TestTable.File("a.parquet", 3));

        var v1 = await t.Table.GetSnapshotAsync(1);
        Assert.Equal(["b.parquet"], v1.Files.Select(f => f.Path));
        var tombstone = Assert.Single(v1.Tombstones);
        Assert.Equal("a.parquet", tombstone.Path);
        Assert.Equal((TestTable.Epoch + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds(), tombstone.DeletionTimestamp);
        Assert.Equal(1, tombstone.Size);
        Assert.True(tombstone.DataChange);

        var v2 = await t.Table.GetSnapshotAsync();
        Assert.Equal(2, v2.Version);
        Assert.Equal([("a.parquet", 3L), ("b.parquet", 2L)], v2.Files.Select(f => (f.Path, f.Size)));
        Assert.Empty(v2.Tombstones);

        var v0 = await t.Table.GetSnapshotAsync(0);
        Assert.Equal([("a.parquet", 1L), ("b.parquet", 2L)], v0.Files.Select(f => (f.Path, f.Size)));
    }

    [Fact]
    public async Task NewestAddOfAPathWins()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: TestTable.File("a.parquet", 1));
        await t.AppendAsync(TestTable.File("a.parquet", 5, stats: """{"numRecords":5}"""));

        var snapshot = await t.Table.GetSnapshotAsync();

        var file = Assert.Single(snapshot.Files);
        Assert.Equal(5, file.Size);
        Assert.Equal(5, snapshot.TotalRows);
    }

    [Fact]
    public async Task NewestProtocolAndMetadataWin()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(TestTable.NewMetadata(new Dictionary<string, string> { ["x"] = "1" }), new Protocol(1, 1));

        var txn = t.Table.StartTransaction(await t.Table.GetSnapshotAsync(), "UPGRADE PROTOCOL");
        txn.UpdateProtocol(new Protocol(1, 2));
        await txn.CommitAsync();
        var s1 = await t.Table.GetSnapshotAsync();
        var wider = TestTable.DefaultSchema.Replace("]}", """,{"name":"extra","type":"date","nullable":true,"metadata":{}}]}""", StringComparison.Ordinal);
        txn = t.Table.StartTransaction(s1, "SET TBLPROPERTIES");
        txn.UpdateMetadata(s1.Metadata with { SchemaString = wider, Configuration = new Dictionary<string, string> { ["x"] = "2" } });
        await txn.CommitAsync();
        await t.AppendAsync("a.parquet");

        var latest = await t.Table.GetSnapshotAsync();
        Assert.Equal((1, 2), (latest.Protocol.MinReaderVersion, latest.Protocol.MinWriterVersion));
        Assert.Equal("2", latest.Configuration["x"]);
        Assert.Equal(4, latest.Schema.Fields.Count);
        Assert.Equal(s1.Metadata.Id, latest.Metadata.Id);

        var v0 = await t.Table.GetSnapshotAsync(0);
        Assert.Equal(1, v0.Protocol.MinWriterVersion);
        Assert.Equal("1", v0.Configuration["x"]);
        Assert.Equal(3, v0.Schema.Fields.Count);
        Assert.Equal(2, (await t.Table.GetSnapshotAsync(1)).Protocol.MinWriterVersion);
        Assert.Equal("1", (await t.Table.GetSnapshotAsync(1)).Configuration["x"]);
    }

    [Fact]
    public async Task NewestAppTransactionPerAppIdWins()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.SetAppTransactionAsync("a", 1);
        await t.SetAppTransactionAsync("b", 5);
        await t.WriteCommitAsync(3, """{"txn":{"appId":"a","version":3,"lastUpdated":7}}""");
        await t.AppendAsync("x.parquet");

        var latest = await t.Table.GetSnapshotAsync();
        Assert.Equal(3, latest.AppTransactionVersion("a"));
        Assert.Equal(7, latest.AppTransactions["a"].LastUpdated);
        Assert.Equal(5, latest.AppTransactionVersion("b"));
        Assert.Null(latest.AppTransactionVersion("c"));
        Assert.Equal(2, latest.AppTransactions.Count);
        Assert.Equal(1, (await t.Table.GetSnapshotAsync(2)).AppTransactionVersion("a"));
        Assert.Null((await t.Table.GetSnapshotAsync(1)).AppTransactionVersion("b"));
    }

    [Fact]
    public async Task TombstonesCarryPartitionValuesAndSize()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(TestTable.NewMetadata(partitionColumns: ["part"]), null,
            TestTable.File("part=x/a.parquet", 10, TestTable.Part("x")), TestTable.File("part=__HIVE_DEFAULT_PARTITION__/b.parquet", 20, TestTable.Part(null)));
        await t.RemoveAsync("part=x/a.parquet", "part=__HIVE_DEFAULT_PARTITION__/b.parquet");

        var snapshot = await t.Table.GetSnapshotAsync();

        Assert.Empty(snapshot.Files);
        var tombstones = snapshot.Tombstones.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(["part=__HIVE_DEFAULT_PARTITION__/b.parquet", "part=x/a.parquet"], tombstones.Select(r => r.Path));
        Assert.Equal([20L, 10L], tombstones.Select(r => r.Size!.Value));
        Assert.Empty(tombstones[0].PartitionValues!); // null partition values are dropped from removes, as Spark does
        Assert.Equal("x", tombstones[1].PartitionValues!["part"]);
        Assert.All(tombstones, r => Assert.True(r.ExtendedFileMetadata));
    }

    [Fact]
    public async Task RawCommitsReplayInVersionOrder()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.WriteCommitAsync(1,
            """{"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}}""",
            """{"add":{"path":"b.parquet","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}}""");
        await t.WriteCommitAsync(2,
            """{"remove":{"path":"a.parquet","deletionTimestamp":1,"dataChange":true}}""",
            """{"remove":{"path":"never-added.parquet","deletionTimestamp":1,"dataChange":true}}""");

        var snapshot = await t.Table.GetSnapshotAsync();

        Assert.Equal(["b.parquet"], snapshot.Files.Select(f => f.Path));
        Assert.Equal(["a.parquet", "never-added.parquet"], snapshot.Tombstones.Select(r => r.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FilesAreOrderedByPath()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: [TestTable.File("c"), TestTable.File("a")]);
        await t.AppendAsync("b", "A", "é");

        Assert.Equal(["A", "a", "b", "c", "é"], (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));
    }

    [Fact]
    public async Task TotalRowsNeedsStatsOnEveryFile()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: [TestTable.File("a", stats: """{"numRecords":3}"""), TestTable.File("b", stats: """{"numRecords":4}""")]);
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(7, snapshot.TotalRows);
        Assert.Equal(200, snapshot.TotalBytes);

        await t.AppendAsync("c");
        Assert.Null((await t.Table.GetSnapshotAsync()).TotalRows);
    }

    [Fact]
    public async Task LogWithoutProtocolIsMalformed()
    {
        var t = TestTable.InMemory();
        await t.WriteCommitAsync(0, """{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"""
            + System.Text.Json.JsonSerializer.Serialize(TestTable.DefaultSchema) + ""","partitionColumns":[],"configuration":{}}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("no 'protocol' action", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogWithoutMetadataIsMalformed()
    {
        var t = TestTable.InMemory();
        await t.WriteCommitAsync(0, """{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("no 'metaData' action", e.Message, StringComparison.Ordinal);
        Assert.Contains("version 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableSchemaIsMalformed()
    {
        var t = TestTable.InMemory();
        await t.WriteCommitAsync(0,
            """{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}""",
            """{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{not json","partitionColumns":[],"configuration":{}}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("unreadable schema", e.Message, StringComparison.Ordinal);
    }
}
