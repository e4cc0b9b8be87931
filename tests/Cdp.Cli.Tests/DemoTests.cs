using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp demo</c> on a temp lake, with machine output.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Demo_json_reports_every_step_an_idempotent_rerun_and_a_complete_erasure()
    {
        var lake = _dir.Path("lake");
        var steps = (await CdpCli.RunAsync("demo", "--lake", lake, "--customers", "200", "--format", "json")).Succeeded().JsonArray();

        var byName = steps.ToDictionary(s => (string)s!["step"]!, s => (string)s!["result"]!);
        Assert.Equal([
            "create customers", "append order batches", "re-run batch 3 (idempotent)", "upsert customer changes",
            "erase customer 7 (GDPR)", "time travel still sees erased rows", "vacuum old file versions", "SQL over the lake",
        ], byName.Keys.ToList());
        Assert.StartsWith("200 rows", byName["create customers"]);
        Assert.StartsWith("skipped", byName["re-run batch 3 (idempotent)"]);
        Assert.Contains("1 customer row", byName["erase customer 7 (GDPR)"]);
        Assert.Contains("latest: 0 rows", byName["time travel still sees erased rows"]);
        Assert.Contains("erasure complete", byName["vacuum old file versions"]);
        Assert.StartsWith("top country", byName["SQL over the lake"]);
        Assert.All(steps, s => Assert.True((double)s!["seconds"]! >= 0));

        // The tables are left for the user to query.
        var count = (await CdpCli.RunAsync("sql", "SELECT count(*) AS n FROM demo.customers WHERE customer_id = 7", "--lake", lake, "--format", "json"))
            .Succeeded().JsonArray();
        Assert.Equal(0, (long)count[0]!["n"]!);

        // A second run starts from empty tables again and ends the same way.
        var again = (await CdpCli.RunAsync("demo", "--lake", lake, "--customers", "200", "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(steps.Select(s => (string)s!["result"]!).Take(3), again.Select(s => (string)s!["result"]!).Take(3));
    }
}
