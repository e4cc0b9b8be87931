using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp demo generate</c>: the demo brand's silos as files, with a JSON summary for machines.</summary>
public sealed class DemoGenerateTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Generate_json_reports_every_output_and_writes_the_silos()
    {
        var outDir = _dir.Path("brand");
        var summary = (await CdpCli.RunAsync("demo", "generate", "--people", "500", "--seed", "7", "--out", outDir, "--format", "json")).Succeeded().JsonObject();

        Assert.Equal(500, (int)summary["people"]!);
        Assert.Equal("7", (string)summary["seed"]!);
        Assert.Equal("2026-10-31", (string)summary["as_of"]!);
        Assert.Equal(Path.GetFullPath(outDir), (string)summary["out"]!);
        Assert.True((double)summary["seconds"]! >= 0);
        var outputs = summary["outputs"]!.AsArray().ToDictionary(o => (string)o!["path"]!, o => (long)o!["rows"]!);
        foreach (var path in new[] { "crm/customers.csv", "loyalty/members.csv", "eshop/orders.jsonl", "eshop/order_lines.jsonl", "web/events", "app/events.jsonl",
                     "stores/transactions.csv", "stores/stores.csv", "email/engagement.jsonl", "consents/consents.csv", "catalog/products.csv",
                     "catalog/complements.csv", "truth/records.csv", "truth/people.csv" })
        {
            Assert.True(outputs.TryGetValue(path, out var rows) && rows > 0, $"{path} missing or empty");
        }
        Assert.Equal(500, outputs["truth/people.csv"]);
        Assert.Equal(outputs.Values.Sum(), (long)summary["rows"]!);
        Assert.True(File.Exists(Path.Combine(outDir, "crm", "customers.csv")));
        Assert.True(File.Exists(Path.Combine(outDir, "manifest.json")));

        // A re-run replaces the earlier generation; a folder holding something else is refused.
        (await CdpCli.RunAsync("demo", "generate", "--people", "100", "--out", outDir, "--format", "json")).Succeeded();
        var other = _dir.Path("other");
        Directory.CreateDirectory(other);
        await File.WriteAllTextAsync(Path.Combine(other, "keep.txt"), "mine");
        (await CdpCli.RunAsync("demo", "generate", "--people", "100", "--out", other)).Failed(ExitCodes.Failure);
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
    }

    [Theory]
    [InlineData("--people", "0")]
    [InlineData("--as-of", "31/10/2026")]
    public async Task Bad_options_are_usage_errors(string option, string value)
    {
        var r = await CdpCli.RunAsync("demo", "generate", option, value, "--out", _dir.Path("x"));
        r.Failed(ExitCodes.Usage);
        Assert.False(Directory.Exists(_dir.Path("x")));
    }
}
