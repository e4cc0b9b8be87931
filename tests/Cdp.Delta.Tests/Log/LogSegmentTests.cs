using Cdp.Delta.Log;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Log;

public class LogSegmentTests
{
    private const string Location = "memory://t";

    private static string Commit(long v) => LogFileName.Commit(v);

    private static string Checkpoint(long v) => LogFileName.Checkpoint(v);

    private static string Part(long v, int part, int parts) => $"{v:D20}.checkpoint.{part:D10}.{parts:D10}.parquet";

    private static IEnumerable<string> Commits(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(v => Commit(v));

    private static List<ObjectInfo> Listing(IEnumerable<string> names)
        => names.Select(n => new ObjectInfo("_delta_log/" + n, 1, TestTable.Epoch)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();

    private static LogSegment Build(IEnumerable<string> names, long? version = null) => LogSegment.Build(Location, Listing(names), version);

    private static DeltaException Fails(IEnumerable<string> names, long? version = null)
        => Assert.Throws<DeltaException>(() => Build(names, version));

    [Fact]
    public void PlainLogReplaysEveryCommit()
    {
        var segment = Build(Commits(0, 4));

        Assert.Equal(4, segment.Version);
        Assert.Null(segment.CheckpointVersion);
        Assert.Equal([0L, 1, 2, 3, 4], segment.Commits.Select(c => c.Version));
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(1L, 2)]
    [InlineData(5L, 2)]
    public void GapNamesTheMissingVersion(long? target, long missing)
    {
        var e = Fails([.. Commits(0, 1), .. Commits(3, 5)], target);

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains($"version {missing} is missing", e.Message, StringComparison.Ordinal);
        Assert.Contains(Location, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GapAfterTheCheckpointIsAnError()
    {
        var e = Fails([.. Commits(0, 10), Checkpoint(10), .. Commits(12, 13)]);
        Assert.Contains("version 11 is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommitsCoveredByACheckpointMayBeMissing()
    {
        var segment = Build([.. Commits(0, 8), Checkpoint(10), .. Commits(10, 12)]);

        Assert.Equal(10, segment.CheckpointVersion);
        Assert.Equal([11L, 12], segment.Commits.Select(c => c.Version));
    }

    [Theory]
    [InlineData(null, 20L, new long[] { 21, 22, 23, 24, 25 })]
    [InlineData(25L, 20L, new long[] { 21, 22, 23, 24, 25 })]
    [InlineData(20L, 20L, new long[0])]
    [InlineData(19L, 10L, new long[] { 11, 12, 13, 14, 15, 16, 17, 18, 19 })]
    [InlineData(10L, 10L, new long[0])]
    [InlineData(9L, null, new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void UsesTheLatestCheckpointAtOrBeforeTheTarget(long? target, long? checkpoint, long[] commits)
    {
        var segment = Build([.. Commits(0, 25), Checkpoint(10), Checkpoint(20)], target);

        Assert.Equal(target ?? 25, segment.Version);
        Assert.Equal(checkpoint, segment.CheckpointVersion);
        if (checkpoint is { } c) Assert.Equal($"_delta_log/{Checkpoint(c)}", Assert.Single(segment.CheckpointParts).Key);
        Assert.Equal(commits, segment.Commits.Select(x => x.Version));
    }

    [Fact]
    public void IncompleteMultiPartCheckpointIsIgnored()
    {
        var segment = Build([.. Commits(0, 22), Checkpoint(10), Part(20, 1, 3), Part(20, 3, 3)]);

        Assert.Equal(10, segment.CheckpointVersion);
        Assert.Equal(Enumerable.Range(11, 12).Select(v => (long)v), segment.Commits.Select(c => c.Version));
    }

    [Fact]
    public void CompleteMultiPartCheckpointIsUsedWithPartsInOrder()
    {
        var segment = Build([.. Commits(0, 22), Checkpoint(10), Part(20, 3, 3), Part(20, 1, 3), Part(20, 2, 3), Part(20, 1, 2)]);

        Assert.Equal(20, segment.CheckpointVersion);
        Assert.Equal([Part(20, 1, 3), Part(20, 2, 3), Part(20, 3, 3)], segment.CheckpointParts.Select(p => p.Key["_delta_log/".Length..]));
        Assert.Equal([21L, 22], segment.Commits.Select(c => c.Version));
    }

    [Fact]
    public void MultiPartCheckpointWithPartNumbersOutOfRangeIsIncomplete()
    {
        var segment = Build([.. Commits(0, 22), Checkpoint(10), Part(20, 1, 3), Part(20, 2, 3), Part(20, 4, 3)]);
        Assert.Equal(10, segment.CheckpointVersion);
    }

    [Fact]
    public void SingleFileCheckpointWinsOverPartsOfTheSameVersion()
    {
        var segment = Build([.. Commits(0, 12), Part(10, 1, 2), Checkpoint(10)]);
        Assert.Equal($"_delta_log/{Checkpoint(10)}", Assert.Single(segment.CheckpointParts).Key);
    }

    [Theory]
    [InlineData(5L)]
    [InlineData(9L)]
    [InlineData(0L)]
    public void VersionBeforeTheEarliestCheckpointWithCleanedUpCommitsCannotBeReconstructed(long target)
    {
        var e = Fails([Checkpoint(10), .. Commits(10, 15)], target);

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains($"Version {target} of '{Location}' cannot be reconstructed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5L)]
    [InlineData(3L)]
    [InlineData(9L)]
    public void VersionWhoseEarlyCommitsWerePartlyCleanedUpCannotBeReconstructed(long target)
    {
        var e = Fails([.. Commits(3, 15), Checkpoint(10)], target);

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains($"Version {target} of '{Location}' cannot be reconstructed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionsFromTheEarliestCheckpointOnStayReadable()
    {
        string[] names = [Checkpoint(10), Commit(10), .. Commits(11, 15)];
        Assert.Equal(10, Build(names, 10).CheckpointVersion);
        Assert.Equal(15, Build(names).Version);
    }

    [Theory]
    [InlineData(16L)]
    [InlineData(-1L)]
    public void VersionOutsideTheLogIsNotFound(long target)
    {
        var e = Fails(Commits(0, 15), target);

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains($"Version {target} of '{Location}' does not exist (latest is 15)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListingWithoutCommitsIsNotATable()
    {
        var e = Fails([LogFileName.LastCheckpoint, "00000000000000000000.crc", "00000000000000000000.json.tmp", "README", "0.json"]);

        Assert.Equal(DeltaErrorKind.NotATable, e.Kind);
        Assert.Contains(Location, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyAV2CheckpointIsRefusedByFeatureName()
    {
        var e = Fails(["00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json"]);

        Assert.Equal(DeltaErrorKind.UnsupportedFeature, e.Kind);
        Assert.Contains("v2Checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesThatAreNotLogFilesAreSkipped()
    {
        var segment = Build([.. Commits(0, 2), "00000000000000000002.crc", "00000000000000000003.json.tmp", ".00000000000000000003.json.crc", "junk.txt"]);

        Assert.Equal(2, segment.Version);
        Assert.Equal(3, segment.Commits.Count);
    }

    [Fact]
    public async Task EmptyStoreIsNotATable()
    {
        var t = TestTable.InMemory();

        Assert.False(await t.Table.ExistsAsync());
        Assert.Equal(DeltaErrorKind.NotATable, (await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync())).Kind);
        Assert.Equal(DeltaErrorKind.NotATable, (await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync(0))).Kind);
        Assert.Equal(DeltaErrorKind.NotATable, (await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetHistoryAsync())).Kind);
        Assert.Equal(DeltaErrorKind.NotATable, (await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsOfAsync(DateTimeOffset.UtcNow))).Kind);
    }

    [Fact]
    public async Task FolderWithDataButNoLogIsNotATable()
    {
        var t = TestTable.InMemory();
        await t.Store.WriteAsync("part-0.parquet", new byte[] { 1 });
        await t.Store.WriteAsync("_delta_log/_last_checkpoint", "{\"version\":0}"u8.ToArray());
        await t.Store.WriteAsync("_delta_log/_commits/00000000000000000000.uuid.json", "{}"u8.ToArray());

        Assert.False(await t.Table.ExistsAsync());
        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());
        Assert.Equal(DeltaErrorKind.NotATable, e.Kind);
        Assert.Contains("memory://", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeTravelBeforeCleanedUpCommitsFailsClearly()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        for (var i = 1; i <= 14; i++) await t.AppendAsync($"f{i}.parquet");
        Assert.Contains(TestTable.CheckpointKey(10), await t.KeysAsync());
        for (var v = 0; v < 7; v++) await t.Store.DeleteAsync(TestTable.CommitKey(v));

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync(8));

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains("Version 8 of 'memory://' cannot be reconstructed", e.Message, StringComparison.Ordinal);
        Assert.Equal(14, (await t.Table.GetSnapshotAsync()).Files.Count);
        Assert.Equal(10, (await t.Table.GetSnapshotAsync(10)).Files.Count);
    }
}
