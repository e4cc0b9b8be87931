using Cdp.Cli.Tests.Support;
using Cdp.Lake;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp lake history</c> and <c>cdp lake describe</c> with machine output.</summary>
public sealed class HistoryDescribeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<string> TableWithDeleteAsync()
    {
        var table = _dir.Path("lake/bronze/customers");
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("a.csv"), "id,name,country", "1,Ana,FR", "2,Ben,DE"), "--partition-by", "country")).Succeeded();
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("b.csv"), "id,name,country", "3,Chloé,FR"), "--app-id", "feed", "--app-version", "5")).Succeeded();
        await using var lake = new LakeSession();
        await lake.Writer.DeleteAsync(lake.OpenTable(table), "id = 1");
        return table;
    }

    [Fact]
    public async Task History_json_lists_versions_newest_first_with_operations_and_metrics()
    {
        var table = await TableWithDeleteAsync();

        var history = (await CdpCli.RunAsync("lake", "history", table, "--format", "json")).Succeeded().JsonArray();
        Assert.Equal([2L, 1L, 0L], history.Select(h => (long)h!["version"]!).ToList());
        Assert.Equal(["DELETE", "WRITE", "WRITE"], history.Select(h => (string)h!["operation"]!).ToList());
        Assert.Equal("Append", (string)history[2]!["parameters"]!["mode"]!);
        Assert.Equal(2, (long)history[2]!["metrics"]!["numOutputRows"]!);
        Assert.Equal(1, (long)history[0]!["removes"]!);
        Assert.Equal(1, (long)history[0]!["metrics"]!["numDeletedRows"]!);
        Assert.StartsWith("Cdp.Lakehouse/", (string)history[0]!["engine"]!);
        var times = history.Select(h => DateTimeOffset.Parse((string)h!["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(times[0] > times[1] && times[1] > times[2], "commit times must strictly decrease from newest to oldest");

        var limited = (await CdpCli.RunAsync("lake", "history", table, "--limit", "1", "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(2L, (long)Assert.Single(limited)!["version"]!);
    }

    [Fact]
    public async Task History_csv_and_table_formats_show_the_same_commits()
    {
        var table = await TableWithDeleteAsync();

        var csv = (await CdpCli.RunAsync("lake", "history", table, "--format", "csv")).Succeeded().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("version,timestamp,operation,parameters,metrics,adds,removes,engine", csv[0]);
        Assert.Equal(["2", "1", "0"], csv.Skip(1).Select(l => l.Split(',')[0]).ToList());
        var text = (await CdpCli.RunAsync("lake", "history", table)).Succeeded().Stdout;
        Assert.Contains("DELETE", text);
        Assert.Contains("WRITE", text);
        Assert.Contains("version", text);
    }

    [Fact]
    public async Task Describe_json_reports_schema_partitioning_protocol_files_and_rows()
    {
        var table = await TableWithDeleteAsync();

        var d = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(table, (string)d["location"]!);
        Assert.Equal(2, (long)d["version"]!);
        Assert.Equal(1, (long)d["min_reader_version"]!);
        Assert.Equal(2, (long)d["min_writer_version"]!);
        Assert.Equal(["country"], d["partition_columns"]!.AsArray().Select(x => (string)x!).ToList());
        Assert.Equal(["id:long:true", "name:string:true", "country:string:true"],
            d["columns"]!.AsArray().Select(c => $"{c!["name"]}:{c["type"]}:{c["nullable"]}").ToList());
        Assert.Equal(2, (long)d["rows"]!);
        Assert.Equal(TableState.DataFiles(table).Count - 1, (long)d["files"]!); // the deleted row's file is only a tombstone now
        Assert.True((long)d["bytes"]! > 0);
        Assert.True(Guid.TryParse((string)d["table_id"]!, out _));

        var text = (await CdpCli.RunAsync("lake", "describe", table)).Succeeded().Stdout;
        Assert.Contains("reader 1, writer 2", text);
        Assert.Contains("country", text);
    }
}
