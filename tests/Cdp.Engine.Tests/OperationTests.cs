using Cdp.Delta;

namespace Cdp.Engine.Tests;

/// <summary>Overwrite, delete, merge, schema evolution and time travel through the writer.</summary>
public class OperationTests
{
    private const string People = "SELECT i AS id, 'p' || i AS name, (['FR','DE','ES'])[1 + (i % 3)::INT] AS country FROM range(30) r(i)";

    [Fact]
    public async Task OverwriteReplacesEveryRow()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People);
        var r = await t.Writer.WriteAsync(t.Table, "SELECT 100 AS id, 'new' AS name, 'IT' AS country", WriteMode.Overwrite);
        Assert.Equal(1, r.FilesRemoved);
        await Assertions.SameRowsAsync(t.Engine, "SELECT 100::BIGINT AS id, 'new' AS name, 'IT' AS country", await t.ScanAsync());
        await Assertions.SameRowsAsync(t.Engine, People, await t.ScanAsync(version: 0));
    }

    [Fact]
    public async Task OverwriteWithReplaceWhereReplacesOnlyMatchingPartitions()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People, new WriteOptions { PartitionBy = ["country"] });
        await t.Writer.WriteAsync(t.Table, "SELECT 500 AS id, 'fr' AS name, 'FR' AS country", WriteMode.Overwrite, new WriteOptions { ReplaceWhere = "country = 'FR'" });
        await Assertions.SameRowsAsync(t.Engine,
            $"SELECT * FROM ({People}) WHERE country <> 'FR' UNION ALL SELECT 500, 'fr', 'FR'", await t.ScanAsync());

        var bad = await Assert.ThrowsAsync<DeltaException>(() => t.Writer.WriteAsync(t.Table, "SELECT 1 AS id, 'x' AS name, 'DE' AS country", WriteMode.Overwrite,
            new WriteOptions { ReplaceWhere = "country = 'FR'" }));
        Assert.Contains("do not satisfy the predicate", bad.Message);
        Assert.Equal(1, (await t.Table.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task DeleteRewritesOnlyTheFilesHoldingMatchingRows()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People, new WriteOptions { PartitionBy = ["country"] });
        var before = (await t.Table.GetSnapshotAsync()).Files;
        var r = await t.Writer.DeleteAsync(t.Table, "id = 4 OR name IS NULL");
        Assert.Equal(1, r.RowsDeleted);
        Assert.Equal(1, r.FilesRemoved);
        var after = (await t.Table.GetSnapshotAsync()).Files;
        Assert.Equal(2, after.Select(f => f.Path).Intersect(before.Select(f => f.Path)).Count()); // the other partitions' files are untouched
        await Assertions.SameRowsAsync(t.Engine, $"SELECT * FROM ({People}) WHERE id <> 4", await t.ScanAsync());

        var none = await t.Writer.DeleteAsync(t.Table, "id > 1000");
        Assert.Equal(0, none.RowsDeleted);
        Assert.Equal(1, (await t.Table.GetSnapshotAsync()).Version); // nothing to delete: no commit
    }

    [Fact]
    public async Task MergeUpsertsByKey()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People);
        await t.Writer.MergeAsync(t.Table, "SELECT * FROM (VALUES (1, 'one', 'NL'), (99, 'new', 'BE')) AS v(id, name, country)", ["id"]);
        await Assertions.SameRowsAsync(t.Engine,
            $"SELECT * FROM ({People}) WHERE id <> 1 UNION ALL SELECT 1, 'one', 'NL' UNION ALL SELECT 99, 'new', 'BE'", await t.ScanAsync());
    }

    [Fact]
    public async Task MergeRefusesDuplicateSourceKeysWithoutShowingThem()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People);
        var e = await Assert.ThrowsAsync<DeltaException>(() =>
            t.Writer.MergeAsync(t.Table, "SELECT * FROM (VALUES (1, 'secret@example.com', 'NL'), (1, 'b', 'NL')) AS v(id, name, country)", ["id"]));
        Assert.Contains("appear more than once", e.Message);
        Assert.DoesNotContain("secret@example.com", e.Message);
        Assert.Equal(0, (await t.Table.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task AppendEvolvesTheSchemaWithNewNullableColumns()
    {
        await using var t = new LocalTable();
        await t.AppendAsync("SELECT 1::INTEGER AS id");
        await t.AppendAsync("SELECT 2::SMALLINT AS id, 'x' AS extra");
        await Assertions.SameRowsAsync(t.Engine, "SELECT 1::INTEGER AS id, NULL AS extra UNION ALL SELECT 2, 'x'", await t.ScanAsync());
        var narrowing = await Assert.ThrowsAsync<DeltaException>(() => t.AppendAsync("SELECT 3::BIGINT AS id"));
        Assert.Contains("\"integer\" in the table but \"long\" in the input", narrowing.Message);
        var schema = (await t.Table.GetSnapshotAsync()).Schema;
        Assert.Equal(["id", "extra"], schema.Fields.Select(f => f.Name));
        Assert.Equal("integer", schema.Fields[0].Type.ToJson().GetValue<string>()); // the table's type is kept

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.AppendAsync("SELECT 'text' AS id"));
        Assert.Equal(DeltaErrorKind.SchemaMismatch, e.Kind);
        Assert.Contains("'id'", e.Message);
        var off = await Assert.ThrowsAsync<DeltaException>(() => t.AppendAsync("SELECT 3 AS id, 1 AS other", new WriteOptions { MergeSchema = false }));
        Assert.Contains("'other'", off.Message);
        Assert.Equal(1, (await t.Table.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task OverwriteSchemaReplacesColumnsAndPartitioning()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People, new WriteOptions { PartitionBy = ["country"] });
        await t.Writer.WriteAsync(t.Table, "SELECT 'a' AS code", WriteMode.Overwrite, new WriteOptions { OverwriteSchema = true });
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(["code"], snapshot.Schema.Fields.Select(f => f.Name));
        Assert.Empty(snapshot.PartitionColumns);
    }

    [Fact]
    public async Task AppendOnlyTableRefusesOverwriteAndDelete()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People, new WriteOptions { Properties = new Dictionary<string, string> { ["delta.appendOnly"] = "true" } });
        await t.AppendAsync(People);
        Assert.Equal(DeltaErrorKind.AppendOnly, (await Assert.ThrowsAsync<DeltaException>(() => t.Writer.DeleteAsync(t.Table, "id = 1"))).Kind);
        Assert.Equal(DeltaErrorKind.AppendOnly, (await Assert.ThrowsAsync<DeltaException>(() => t.Writer.WriteAsync(t.Table, People, WriteMode.Overwrite))).Kind);
        Assert.Equal(1, (await t.Table.GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task AppTransactionMakesARerunANoOp()
    {
        await using var t = new LocalTable();
        var first = await t.AppendAsync(People, new WriteOptions { AppTransaction = ("feed", 7) });
        var again = await t.AppendAsync(People, new WriteOptions { AppTransaction = ("feed", 7) });
        var older = await t.AppendAsync(People, new WriteOptions { AppTransaction = ("feed", 3) });
        Assert.False(first.AlreadyCommitted);
        Assert.True(again.AlreadyCommitted);
        Assert.True(older.AlreadyCommitted);
        Assert.Equal(0, (await t.Table.GetSnapshotAsync()).Version);
        Assert.Single(t.DataFiles());
    }

    [Fact]
    public async Task TimeTravelByVersionAndTimestamp()
    {
        await using var t = new LocalTable();
        await t.AppendAsync("SELECT 1 AS v");
        await Task.Delay(20);
        await t.AppendAsync("SELECT 2 AS v");
        var times = await t.Table.GetCommitTimesAsync();
        Assert.True(times[1].Timestamp > times[0].Timestamp);
        var atFirst = await t.Table.GetSnapshotAsOfAsync(times[0].Timestamp);
        Assert.Equal(0, atFirst.Version);
        Assert.Equal(1, (await t.Table.GetSnapshotAsOfAsync(times[1].Timestamp.AddMinutes(5))).Version);
        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsOfAsync(times[0].Timestamp.AddDays(-1)));
        Assert.Contains("earliest", e.Message);
        Assert.Equal(DeltaErrorKind.MissingVersion, (await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync(5))).Kind);
    }

    [Fact]
    public async Task AFailingQueryLeavesTheTableAsItWas()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People);
        var files = t.DataFiles();
        await Assert.ThrowsAsync<SqlEngineException>(() => t.AppendAsync("SELECT i AS id, CASE WHEN i = 7 THEN error('boom') ELSE 'x' END AS name, 'FR' AS country FROM range(10) r(i)"));
        Assert.Equal(0, (await t.Table.GetSnapshotAsync()).Version);
        Assert.Equal(files, t.DataFiles());
    }

    [Fact]
    public async Task CancellationInterruptsAQuery()
    {
        await using var t = new LocalTable();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            t.Engine.QueryAsync("SELECT count(*) FROM range(10000000000) a(i), range(10) b(j) WHERE i * j % 7 = 3", cts.Token));
        // The engine stays usable after an interrupt.
        Assert.Equal(1, Assertions.Long((await t.Engine.QueryAsync("SELECT 1")).Scalar));
    }

    [Fact]
    public async Task CheckpointedSnapshotEqualsFullReplay()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(People, new WriteOptions { PartitionBy = ["country"], Properties = new Dictionary<string, string> { ["delta.checkpointInterval"] = "3" } });
        for (var i = 0; i < 7; i++) await t.AppendAsync($"SELECT {100 + i} AS id, 'x' AS name, 'FR' AS country", new WriteOptions { AppTransaction = ("loop", i) });
        await t.Writer.DeleteAsync(t.Table, "id = 1");
        Assert.True(File.Exists(Path.Combine(t.Root, "_delta_log", "00000000000000000006.checkpoint.parquet")));
        var fromCheckpoint = await t.Table.GetSnapshotAsync();
        foreach (var f in Directory.GetFiles(Path.Combine(t.Root, "_delta_log"), "*.checkpoint.parquet")) File.Delete(f);
        File.Delete(Path.Combine(t.Root, "_delta_log", "_last_checkpoint"));
        var replayed = await t.Table.GetSnapshotAsync();
        Assert.Equal(replayed.Version, fromCheckpoint.Version);
        Assert.Equal(replayed.Files, fromCheckpoint.Files, new AddFileComparer());
        Assert.Equal(replayed.AppTransactionVersion("loop"), fromCheckpoint.AppTransactionVersion("loop"));
        Assert.Equal(replayed.Metadata.SchemaString, fromCheckpoint.Metadata.SchemaString);
    }

    [Fact]
    public async Task StagingLeftByAKilledWriterIsRemovedLater()
    {
        await using var t = new LocalTable();
        var abandoned = Path.Combine(t.Root, Storage.LocalObjectStore.StagingFolder, "killed-writer");
        var recent = Path.Combine(t.Root, Storage.LocalObjectStore.StagingFolder, "live-writer");
        Directory.CreateDirectory(abandoned);
        Directory.CreateDirectory(recent);
        File.WriteAllText(Path.Combine(abandoned, "data.parquet"), "partial");
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-2));
        await t.AppendAsync(People);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(recent));
    }

    [Fact]
    public async Task FileSkippingReadsOnlyFilesWhoseStatsCanMatch()
    {
        await using var t = new LocalTable();
        for (var b = 0; b < 3; b++) await t.AppendAsync($"SELECT {b * 10} + i AS id, 'FR' AS country FROM range(10) r(i)");
        var snapshot = await t.Table.GetSnapshotAsync();
        var filter = Delta.Stats.FilePredicate.Compare("id", Delta.Stats.CompareOp.Greater, 25);
        Assert.Single(filter.Filter(snapshot));
        var scan = await SnapshotScan.BuildAsync(t.Engine, t.Store, snapshot, filter);
        await Assertions.SameRowsAsync(t.Engine, "SELECT 26 + i AS id, 'FR' AS country FROM range(4) r(i)", $"SELECT * FROM ({scan}) WHERE id > 25");
        Assert.Equal(10L, Assertions.Long((await t.Engine.QueryAsync($"SELECT count(*) FROM ({scan})")).Scalar));
    }

    private sealed class AddFileComparer : IEqualityComparer<Delta.Actions.AddFile>
    {
        public bool Equals(Delta.Actions.AddFile? x, Delta.Actions.AddFile? y)
            => x!.Path == y!.Path && x.Size == y.Size && x.Stats == y.Stats && x.PartitionValues.OrderBy(k => k.Key).SequenceEqual(y.PartitionValues.OrderBy(k => k.Key));

        public int GetHashCode(Delta.Actions.AddFile obj) => obj.Path.GetHashCode(StringComparison.Ordinal);
    }
}
