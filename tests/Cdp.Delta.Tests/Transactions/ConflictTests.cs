using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;

namespace Cdp.Delta.Tests.Transactions;

public class ConflictTests
{
    /// <summary>Version 0: a partitioned table with a.parquet in part=x and b.parquet in part=y.</summary>
    private static async Task<(TestTable Table, Snapshot V0)> TableAsync()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(TestTable.NewMetadata(partitionColumns: ["part"]), null,
            TestTable.File("part=x/a.parquet", 1, TestTable.Part("x")), TestTable.File("part=y/b.parquet", 1, TestTable.Part("y")));
        return (t, await t.Table.GetSnapshotAsync());
    }

    private static Transaction Delete(TestTable t, Snapshot read, string path, ReadScope scope = ReadScope.WholeTable)
    {
        var txn = t.Table.StartTransaction(read, "DELETE");
        txn.ReadScope = scope;
        txn.Remove(read.Files.Single(f => f.Path == path));
        txn.Add(TestTable.File(path.Replace(".parquet", "-rewritten.parquet", StringComparison.Ordinal), 1, read.Files.Single(f => f.Path == path).PartitionValues));
        return txn;
    }

    private static async Task<DeltaException> ConflictAsync(TestTable t, Transaction txn, long winner)
    {
        var before = await t.CommitVersionsAsync();
        var e = await Assert.ThrowsAsync<DeltaException>(() => txn.CommitAsync());
        Assert.Equal(DeltaErrorKind.ConcurrentModification, e.Kind);
        Assert.Contains($"at version {winner} ", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await t.CommitVersionsAsync()); // the loser wrote nothing
        return e;
    }

    [Fact]
    public async Task WholeTableReaderLosesToAnAppend()
    {
        var (t, v0) = await TableAsync();
        var delete = Delete(t, v0, "part=x/a.parquet");
        await t.AppendAsync(TestTable.File("part=y/new.parquet", 1, TestTable.Part("y")));

        var e = await ConflictAsync(t, delete, winner: 1);

        Assert.Contains("added data in what this transaction read", e.Message, StringComparison.Ordinal);
        Assert.Contains("part=x/a.parquet", (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));
    }

    [Fact]
    public async Task WholeTableReaderLosesToARemove()
    {
        var (t, v0) = await TableAsync();
        var delete = Delete(t, v0, "part=x/a.parquet");
        await t.RemoveAsync("part=y/b.parquet");

        var e = await ConflictAsync(t, delete, winner: 1);
        Assert.Contains("removed data that this transaction read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlindAppendLosingToAnOverwriteRetriesAndSucceeds()
    {
        var (t, v0) = await TableAsync();
        var append = t.Table.StartTransaction(v0, "WRITE");
        append.Add(TestTable.File("part=x/appended.parquet", 1, TestTable.Part("x")));
        await t.RewriteAsync(["part=x/a.parquet", "part=y/b.parquet"], TestTable.File("part=x/overwritten.parquet", 1, TestTable.Part("x")));

        var result = await append.CommitAsync();

        Assert.Equal((2L, 2), (result.Version, result.Attempts));
        Assert.Equal(["part=x/appended.parquet", "part=x/overwritten.parquet"], (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));
    }

    [Fact]
    public async Task BlindAppendsNeverConflictWithEachOther()
    {
        var (t, v0) = await TableAsync();
        var appends = Enumerable.Range(0, 5).Select(i =>
        {
            var txn = t.Table.StartTransaction(v0, "WRITE");
            txn.Add(TestTable.File($"part=x/{i}.parquet", 1, TestTable.Part("x")));
            return txn;
        }).ToList();

        var versions = new List<long>();
        foreach (var txn in appends) versions.Add((await txn.CommitAsync()).Version);

        Assert.Equal([1L, 2, 3, 4, 5], versions);
        Assert.Equal(7, (await t.Table.GetSnapshotAsync()).Files.Count);
    }

    [Fact]
    public async Task MetadataChangeByTheWinnerConflictsEvenWithABlindAppend()
    {
        var (t, v0) = await TableAsync();
        var append = t.Table.StartTransaction(v0, "WRITE");
        append.Add(TestTable.File("part=x/appended.parquet", 1, TestTable.Part("x")));
        var alter = t.Table.StartTransaction(v0, "ADD COLUMNS");
        alter.UpdateMetadata(v0.Metadata with { Configuration = new Dictionary<string, string> { ["k"] = "v" } });
        await alter.CommitAsync();

        var e = await ConflictAsync(t, append, winner: 1);
        Assert.Contains("changed the table's protocol or metadata", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProtocolChangeByTheWinnerConflicts()
    {
        var (t, v0) = await TableAsync();
        var delete = Delete(t, v0, "part=x/a.parquet", ReadScope.Nothing);
        var upgrade = t.Table.StartTransaction(v0, "UPGRADE PROTOCOL");
        upgrade.UpdateProtocol(new Protocol(1, 7, null, ["appendOnly"]));
        await upgrade.CommitAsync();

        await ConflictAsync(t, delete, winner: 1);
    }

    [Fact]
    public async Task OwnMetadataChangeConflictsWithAnyWinner()
    {
        var (t, v0) = await TableAsync();
        var alter = t.Table.StartTransaction(v0, "ADD COLUMNS");
        alter.UpdateMetadata(v0.Metadata with { Configuration = new Dictionary<string, string> { ["k"] = "v" } });
        await t.AppendAsync(TestTable.File("part=x/c.parquet", 1, TestTable.Part("x")));

        var e = await ConflictAsync(t, alter, winner: 1);
        Assert.Contains("changes the schema or properties", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadScope.Nothing)]
    [InlineData(ReadScope.Partitions)]
    [InlineData(ReadScope.WholeTable)]
    public async Task TwoTransactionsRemovingTheSameFileConflict(ReadScope scope)
    {
        var (t, v0) = await TableAsync();
        var first = Delete(t, v0, "part=x/a.parquet", scope);
        var second = Delete(t, v0, "part=x/a.parquet", scope);
        await first.CommitAsync();

        var e = await ConflictAsync(t, second, winner: 1);
        Assert.Contains("removed a file this transaction also removes", e.Message, StringComparison.Ordinal);
        Assert.Single((await t.Table.GetSnapshotAsync()).Files, f => f.Path == "part=x/a-rewritten.parquet");
    }

    [Fact]
    public async Task PartitionReaderIgnoresWinnersInOtherPartitions()
    {
        var (t, v0) = await TableAsync();
        var overwrite = Delete(t, v0, "part=x/a.parquet", ReadScope.Partitions);
        overwrite.ReadPartitions = values => values.GetValueOrDefault("part") == "x";
        await t.AppendAsync(TestTable.File("part=y/c.parquet", 1, TestTable.Part("y")));
        await t.RemoveAsync("part=y/b.parquet");

        var result = await overwrite.CommitAsync();

        Assert.Equal((3L, 3), (result.Version, result.Attempts));
        Assert.Equal(["part=x/a-rewritten.parquet", "part=y/c.parquet"], (await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path));
    }

    [Fact]
    public async Task PartitionReaderConflictsWithAWinnerInItsPartition()
    {
        var (t, v0) = await TableAsync();
        var overwrite = Delete(t, v0, "part=x/a.parquet", ReadScope.Partitions);
        overwrite.ReadPartitions = values => values.GetValueOrDefault("part") == "x";
        await t.AppendAsync(TestTable.File("part=y/c.parquet", 1, TestTable.Part("y")));
        await t.AppendAsync(TestTable.File("part=x/c.parquet", 1, TestTable.Part("x")));

        await ConflictAsync(t, overwrite, winner: 2);
    }

    [Fact]
    public async Task SecondCreatorOfATableConflicts()
    {
        var t = TestTable.InMemory();
        var first = t.Table.StartTransaction(null, "CREATE TABLE");
        first.UpdateProtocol(Protocol.Default);
        first.UpdateMetadata(TestTable.NewMetadata());
        var second = t.Table.StartTransaction(null, "CREATE TABLE");
        second.UpdateProtocol(Protocol.Default);
        second.UpdateMetadata(TestTable.NewMetadata());
        Assert.Equal(0, (await first.CommitAsync()).Version);

        var e = await ConflictAsync(t, second, winner: 0);
        Assert.Contains("created the table first", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingWithoutProtocolOrMetadataIsABug()
    {
        var t = TestTable.InMemory();
        var txn = t.Table.StartTransaction(null, "CREATE TABLE");
        txn.UpdateMetadata(TestTable.NewMetadata());

        var e = await Assert.ThrowsAsync<DeltaException>(() => txn.CommitAsync());
        Assert.Contains("needs a protocol", e.Message, StringComparison.Ordinal);
        Assert.Empty(await t.KeysAsync());
    }

    [Fact]
    public async Task CommitInfoComesFirstAndDescribesTheCommit()
    {
        var (t, v0) = await TableAsync();
        var txn = t.Table.StartTransaction(v0, "MERGE");
        txn.ReadScope = ReadScope.WholeTable;
        txn.Parameters["predicate"] = "t.id = s.id";
        txn.Metrics["numTargetRowsInserted"] = 3;
        txn.Add(TestTable.File("part=x/m.parquet", 1, TestTable.Part("x")));
        await txn.CommitAsync();

        var actions = await t.Table.ReadCommitAsync(1);

        var info = Assert.IsType<CommitInfo>(actions[0]).Value;
        Assert.Equal("MERGE", info["operation"]!.GetValue<string>());
        Assert.Equal("t.id = s.id", info["operationParameters"]!["predicate"]!.GetValue<string>());
        Assert.Equal(3, info["operationMetrics"]!["numTargetRowsInserted"]!.GetValue<int>());
        Assert.Equal(0, info["readVersion"]!.GetValue<long>());
        Assert.False(info["isBlindAppend"]!.GetValue<bool>());
        Assert.Equal(TestTable.Epoch.ToUnixTimeMilliseconds(), info["timestamp"]!.GetValue<long>());
        Assert.StartsWith("Cdp.Lakehouse/", info["engineInfo"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(actions, a => a is Protocol or Metadata);
    }
}
