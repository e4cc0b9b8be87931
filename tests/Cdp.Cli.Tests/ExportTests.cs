using System.Globalization;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp lake export</c>: latest, by version, by timestamp; the Parquet written is read back with DuckDB.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A table with versions 0 (ids 1-3), 1 (ids 4-5) and 2 (id 6), committed at least 50 ms apart.</summary>
    private async Task<string> ThreeVersionsAsync()
    {
        var table = _dir.Path("lake/silver/orders");
        string[][] batches = [["1", "2", "3"], ["4", "5"], ["6"]];
        for (var i = 0; i < batches.Length; i++)
        {
            if (i > 0) await Task.Delay(50);
            var csv = Inputs.Csv(_dir.Path($"b{i}.csv"), ["id,amount", .. batches[i].Select(id => $"{id},{id}.5")]);
            (await CdpCli.RunAsync("lake", "append", table, csv)).Succeeded();
        }
        return table;
    }

    [Fact]
    public async Task Export_of_the_latest_version_writes_every_row()
    {
        var table = await ThreeVersionsAsync();
        var output = _dir.Path("out/latest.parquet");

        var r = (await CdpCli.RunAsync("lake", "export", table, output, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(2, (long)r["version"]!);
        Assert.Equal(6, (long)r["rows"]!);
        Assert.Equal(output, (string)r["output"]!);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], await TableState.ParquetIdsAsync(output));
        Assert.Equal(["latest.parquet"], TableState.Files(_dir.Path("out")));
    }

    [Fact]
    public async Task Export_at_a_version_writes_that_snapshot_and_replaces_an_existing_file()
    {
        var table = await ThreeVersionsAsync();
        var output = _dir.Path("export.parquet");

        (await CdpCli.RunAsync("lake", "export", table, output)).Succeeded();
        var r = (await CdpCli.RunAsync("lake", "export", table, output, "--version", "1", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(1, (long)r["version"]!);
        Assert.Equal(5, (long)r["rows"]!);
        Assert.Equal(5, await TableState.ParquetRowsAsync(output));

        (await CdpCli.RunAsync("lake", "export", table, output, "--version", "0")).Succeeded();
        Assert.Equal([1L, 2L, 3L], await TableState.ParquetIdsAsync(output));
    }

    [Fact]
    public async Task Export_at_a_timestamp_picks_the_last_commit_at_or_before_it()
    {
        var table = await ThreeVersionsAsync();
        var log = Path.Combine(table, "_delta_log");
        var t0 = File.GetLastWriteTimeUtc(Path.Combine(log, "00000000000000000000.json"));
        var t1 = File.GetLastWriteTimeUtc(Path.Combine(log, "00000000000000000001.json"));
        var between = new DateTimeOffset(t0 + (t1 - t0) / 2, TimeSpan.Zero);
        var output = _dir.Path("asof.parquet");

        var r = (await CdpCli.RunAsync("lake", "export", table, output, "--timestamp", between.ToString("O", CultureInfo.InvariantCulture), "--format", "json"))
            .Succeeded().JsonObject();
        Assert.Equal(0, (long)r["version"]!);
        Assert.Equal([1L, 2L, 3L], await TableState.ParquetIdsAsync(output));

        // The same instant written with an offset means the same moment.
        var withOffset = between.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
        var r2 = (await CdpCli.RunAsync("lake", "export", table, output, "--timestamp", withOffset, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(0, (long)r2["version"]!);

        var later = new DateTimeOffset(t1, TimeSpan.Zero).AddMilliseconds(1);
        Assert.Equal(1, (long)(await CdpCli.RunAsync("lake", "export", table, output, "--timestamp", later.ToString("O", CultureInfo.InvariantCulture), "--format", "json"))
            .Succeeded().JsonObject()["version"]!);
    }

    [Fact]
    public async Task Export_before_the_first_commit_or_past_the_last_version_fails_and_writes_nothing()
    {
        var table = await ThreeVersionsAsync();
        var output = _dir.Path("none/out.parquet");

        var early = (await CdpCli.RunAsync("lake", "export", table, output, "--timestamp", "2001-01-01T00:00:00Z")).Failed(1);
        Assert.Contains("earliest available commit", early.Stderr);
        var missing = (await CdpCli.RunAsync("lake", "export", table, output, "--version", "7")).Failed(1);
        Assert.Contains("Version 7", missing.Stderr);
        Assert.Contains("latest is 2", missing.Stderr);
        Assert.Empty(TableState.Files(_dir.Path("none")));
    }
}
