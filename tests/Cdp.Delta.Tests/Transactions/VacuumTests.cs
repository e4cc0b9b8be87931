using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;
using Cdp.Storage;

namespace Cdp.Delta.Tests.Transactions;

public sealed class VacuumTests : IDisposable
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Expendable = ["old-removed.parquet", "orphan.parquet", "_p=1/orphan.parquet"];

    /// <summary>
    /// A table on day 10 of its life. Live: live.parquet and a file under a hostile partition folder. Removed on day 1
    /// (expired): old-removed.parquet. Removed on day 9 (inside 7 days): recent-removed.parquet. Never committed:
    /// orphan.parquet (day 0), fresh-orphan.parquet (day 9.75, a write in progress). Plus log files, and hidden files
    /// and folders, all from day 0.
    /// </summary>
    private static async Task<TestTable> TableAsync(Func<ManualClock, IObjectStore> storeOn, IReadOnlyDictionary<string, string>? configuration = null)
    {
        var clock = new ManualClock(TestTable.Epoch);
        var store = storeOn(clock);
        var t = new TestTable(store, clock: clock);
        var hostile = DeltaPath.PartitionFolder("part", "A/B %x") + "/live.parquet";
        string[] data = ["live.parquet", hostile, "old-removed.parquet", "recent-removed.parquet", "orphan.parquet", "_p=1/orphan.parquet",
            "_delta_log/junk.tmp", "_change_data/cdc.parquet", ".hidden/x.parquet", "part=a/.x.crc", "_SUCCESS"];
        foreach (var key in data) await store.WriteAsync(key, new byte[10]);
        await t.CreateAsync(TestTable.NewMetadata(configuration), null,
            TestTable.File("live.parquet"), TestTable.File(DeltaPath.FromKey(hostile)), TestTable.File("old-removed.parquet"), TestTable.File("recent-removed.parquet"));
        clock.Set(TestTable.Epoch + Day);
        await t.RemoveAsync("old-removed.parquet");
        clock.Set(TestTable.Epoch + 9 * Day);
        await t.RemoveAsync("recent-removed.parquet");
        clock.Set(TestTable.Epoch + 9.75 * Day);
        await store.WriteAsync("fresh-orphan.parquet", new byte[10]);
        clock.Set(TestTable.Epoch + 10 * Day);
        return t;
    }

    private static async Task<TestTable> InMemoryTableAsync(IReadOnlyDictionary<string, string>? configuration = null)
        => await TableAsync(clock => new InMemoryObjectStore(clock), configuration);

    [Fact]
    public async Task DeletesOnlyUnreferencedFilesOlderThanTheRetention()
    {
        var t = await InMemoryTableAsync();
        var before = await t.KeysAsync();

        var result = await Vacuum.RunAsync(t.Table);

        Assert.Equal(Expendable.Order(StringComparer.Ordinal), result.Files.Order(StringComparer.Ordinal));
        Assert.Equal(30, result.Bytes);
        Assert.Equal(TimeSpan.FromDays(7), result.Retention);
        Assert.Equal(2, result.Version);
        Assert.Equal(before.Except(Expendable).ToList(), await t.KeysAsync());
        Assert.Contains("part=A%2FB %25x/live.parquet", before);
    }

    [Fact]
    public async Task DryRunListsButDeletesNothing()
    {
        var t = await InMemoryTableAsync();
        var before = await t.KeysAsync();

        var result = await Vacuum.RunAsync(t.Table, dryRun: true);

        Assert.True(result.DryRun);
        Assert.Equal(Expendable.Order(StringComparer.Ordinal), result.Files.Order(StringComparer.Ordinal));
        Assert.Equal(before, await t.KeysAsync());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(24.0)]
    [InlineData(167.9)]
    public async Task RetentionUnderSevenDaysIsRefusedUnlessForced(double hours)
    {
        var t = await InMemoryTableAsync();
        var before = await t.KeysAsync();

        var e = await Assert.ThrowsAsync<DeltaException>(() => Vacuum.RunAsync(t.Table, TimeSpan.FromHours(hours)));
        Assert.Equal(DeltaErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("force", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await t.KeysAsync());

        var forced = await Vacuum.RunAsync(t.Table, TimeSpan.FromHours(hours), force: true);
        Assert.All(Expendable, k => Assert.Contains(k, forced.Files));
        Assert.Equal(hours < 6, forced.Files.Contains("fresh-orphan.parquet"));
        Assert.Equal(hours <= 24, forced.Files.Contains("recent-removed.parquet"));
    }

    [Fact]
    public async Task ForcedZeroRetentionStillKeepsLiveLogAndHiddenFiles()
    {
        var t = await InMemoryTableAsync();

        await Vacuum.RunAsync(t.Table, TimeSpan.Zero, force: true);

        Assert.Equal(
            [".hidden/x.parquet", "_SUCCESS", "_change_data/cdc.parquet", "_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json",
             "_delta_log/00000000000000000002.json", "_delta_log/junk.tmp", "live.parquet", "part=A%2FB %25x/live.parquet", "part=a/.x.crc"],
            await t.KeysAsync());
        Assert.Equal(2, (await t.Table.GetSnapshotAsync()).Files.Count);
        Assert.Equal(4, (await t.Table.GetSnapshotAsync(0)).Files.Count); // the log still describes old versions
    }

    [Fact]
    public async Task NegativeRetentionIsRefusedEvenWhenForced()
    {
        var t = await InMemoryTableAsync();
        var e = await Assert.ThrowsAsync<DeltaException>(() => Vacuum.RunAsync(t.Table, TimeSpan.FromHours(-1), force: true));
        Assert.Equal(DeltaErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public async Task TablePropertySetsTheRetention()
    {
        var t = await InMemoryTableAsync(new Dictionary<string, string> { ["delta.deletedFileRetentionDuration"] = "interval 12 hours" });

        var result = await Vacuum.RunAsync(t.Table);

        Assert.Equal(TimeSpan.FromHours(12), result.Retention);
        Assert.Equal(Expendable.Append("recent-removed.parquet").Order(StringComparer.Ordinal), result.Files.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("fresh-orphan.parquet", result.Files);
    }

    [Fact]
    public async Task RetentionShorterThanTheTablePropertyIsRefusedUnlessForced()
    {
        var t = await InMemoryTableAsync(new Dictionary<string, string> { ["delta.deletedFileRetentionDuration"] = "interval 30 days" });

        var e = await Assert.ThrowsAsync<DeltaException>(() => Vacuum.RunAsync(t.Table, TimeSpan.FromDays(8)));

        Assert.Equal(DeltaErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("720 hours", e.Message, StringComparison.Ordinal);
        Assert.Empty((await Vacuum.RunAsync(t.Table)).Files);
        Assert.Equal(Expendable.Order(StringComparer.Ordinal), (await Vacuum.RunAsync(t.Table, TimeSpan.FromDays(8), force: true)).Files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnLocalDisk()
    {
        var t = await TableAsync(_ => new LocalObjectStore(_folder.Path));
        var cutoff = (TestTable.Epoch + 3 * Day).UtcDateTime;
        foreach (var file in Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories))
            File.SetLastWriteTimeUtc(file, file.EndsWith("fresh-orphan.parquet", StringComparison.Ordinal) ? cutoff.AddDays(6.75) : cutoff.AddDays(-3));
        Directory.CreateDirectory(Path.Combine(_folder.Path, LocalObjectStore.StagingFolder, "in-progress"));
        File.WriteAllBytes(Path.Combine(_folder.Path, LocalObjectStore.StagingFolder, "in-progress", "x.parquet"), new byte[10]);

        var result = await Vacuum.RunAsync(t.Table);

        Assert.Equal(Expendable.Order(StringComparer.Ordinal), result.Files.Order(StringComparer.Ordinal));
        Assert.All(Expendable, k => Assert.False(File.Exists(Path.Combine(_folder.Path, k))));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "part=A%2FB %25x", "live.parquet")));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "recent-removed.parquet")));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "_delta_log", "junk.tmp")));
        Assert.True(File.Exists(Path.Combine(_folder.Path, ".hidden", "x.parquet")));
        Assert.True(File.Exists(Path.Combine(_folder.Path, LocalObjectStore.StagingFolder, "in-progress", "x.parquet")));
        Assert.Equal(3, (await t.CommitVersionsAsync()).Count);
    }
}
