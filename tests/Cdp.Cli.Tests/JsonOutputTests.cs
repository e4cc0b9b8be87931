using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// With --format json a real cdp process prints exactly one JSON document on stdout and nothing else (no spinner, no
/// hint line), and on failure nothing on stdout at all.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class JsonOutputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_command_prints_one_json_document_and_nothing_else()
    {
        var lake = _dir.Path("lake");
        var table = Path.Combine(lake, "bronze", "customers");
        Inputs.Csv(_dir.Path("c.csv"), "id,name", "1,Ana", "2,Ben");

        var append = (await CdpProcess.RunCdpAsync(_dir.Root, "lake", "append", table, "c.csv", "--format", "json")).Succeeded();
        Assert.Equal(2, (long)append.JsonObject()["rows"]!);
        Assert.StartsWith("{", append.Stdout);

        var describe = (await CdpProcess.RunCdpAsync(_dir.Root, "lake", "describe", table, "--format", "json")).Succeeded();
        Assert.Equal(0, (long)describe.JsonObject()["version"]!);

        var sql = (await CdpProcess.RunCdpAsync(_dir.Root, "sql", "SELECT name FROM bronze.customers ORDER BY id", "--lake", lake, "--format", "json")).Succeeded();
        Assert.Equal(["Ana", "Ben"], sql.JsonArray().Select(r => (string)r!["name"]!).ToList());

        var failed = (await CdpProcess.RunCdpAsync(_dir.Root, "lake", "history", _dir.Path("nothing-here"), "--format", "json")).Failed(1);
        Assert.Contains("is not a Delta table", failed.Stderr);
    }
}
