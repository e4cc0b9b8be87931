using Cdp.Cli.Tests.Support;
using Cdp.Lake;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp lake vacuum</c>: dry run, the retention safety check, and what forced vacuum does to time travel.</summary>
public sealed class VacuumTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A table whose version 1 deleted a row, so version 0's file is no longer referenced.</summary>
    private async Task<(string Table, string RemovedFile)> TableWithRemovedFileAsync()
    {
        var table = _dir.Path("customers");
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("a.csv"), "id,name", "1,Ana", "2,Ben"))).Succeeded();
        var original = Assert.Single(TableState.DataFiles(table));
        await using (var lake = new LakeSession())
            await lake.Writer.DeleteAsync(lake.OpenTable(table), "id = 1");
        Assert.Equal(2, TableState.DataFiles(table).Count);
        return (table, original);
    }

    [Fact]
    public async Task Dry_run_lists_the_unreferenced_file_and_deletes_nothing()
    {
        var (table, removed) = await TableWithRemovedFileAsync();
        var before = TableState.Files(table);

        var r = (await CdpCli.RunAsync("lake", "vacuum", table, "--retain", "0", "--force", "--dry-run", "--format", "json")).Succeeded().JsonObject();
        Assert.True((bool)r["dry_run"]!);
        Assert.Equal(1, (long)r["files_to_delete"]!);
        Assert.Equal([removed], r["files"]!.AsArray().Select(f => (string)f!).ToList());
        Assert.True((long)r["bytes"]! > 0);
        Assert.Equal(before, TableState.Files(table));

        // With the default retention (7 days) a fresh file is not even a candidate.
        var safe = (await CdpCli.RunAsync("lake", "vacuum", table, "--dry-run", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(0, (long)safe["files_to_delete"]!);
        Assert.Equal(168, (double)safe["retention_hours"]!);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("167.5")]
    public async Task A_retention_under_168_hours_without_force_is_refused(string hours)
    {
        var (table, _) = await TableWithRemovedFileAsync();
        var before = TableState.Files(table);

        var r = (await CdpCli.RunAsync("lake", "vacuum", table, "--retain", hours)).Failed(1);
        Assert.Contains("is refused", r.Stderr);
        Assert.Contains("168 hours", r.Stderr);
        Assert.Contains(table, r.Stderr);
        Assert.Equal(before, TableState.Files(table));
    }

    [Fact]
    public async Task Forced_vacuum_deletes_the_unreferenced_file_and_time_travel_to_the_old_version_then_fails()
    {
        var (table, removed) = await TableWithRemovedFileAsync();
        Assert.Equal([1L, 2L], await TableState.IdsAsync(table, version: 0));
        var log = TableState.Files(Path.Combine(table, "_delta_log"));

        var r = (await CdpCli.RunAsync("lake", "vacuum", table, "--retain", "0", "--force", "--format", "json")).Succeeded().JsonObject();
        Assert.False((bool)r["dry_run"]!);
        Assert.Equal(1, (long)r["files_deleted"]!);
        Assert.False(File.Exists(Path.Combine(table, removed)));
        Assert.Equal(log, TableState.Files(Path.Combine(table, "_delta_log"))); // log files are never vacuumed

        // The latest version is intact; version 0 needs the deleted file.
        (await CdpCli.RunAsync("lake", "export", table, _dir.Path("now.parquet"))).Succeeded();
        Assert.Equal([2L], await TableState.ParquetIdsAsync(_dir.Path("now.parquet")));
        var old = (await CdpCli.RunAsync("lake", "export", table, _dir.Path("old.parquet"), "--version", "0")).Failed(1);
        Assert.Contains(removed, old.Stderr);
        Assert.Contains("does not exist", old.Stderr);
        Assert.False(File.Exists(_dir.Path("old.parquet")));

        // A second vacuum finds nothing left to delete.
        var again = (await CdpCli.RunAsync("lake", "vacuum", table, "--retain", "0", "--force", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(0, (long)again["files_deleted"]!);
    }
}
