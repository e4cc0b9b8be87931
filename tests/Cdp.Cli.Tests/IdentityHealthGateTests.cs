using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// The health gate on lakes with a previously published person map: a failing run names the offending value, leaves
/// the published map at its Delta version, and records a failed row in the run ledger; listed values do not fail it.
/// </summary>
public sealed class IdentityHealthGateTests : IDisposable
{
    private const int Crowd = 10_000;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Edge[] Baseline(int people) => Enumerable.Range(0, people)
        .Select(i => Edge.Link($"customer_number:K{i}", $"email:k{i}@example.com", "crm_email", "crm", $"crm-{i}")).ToArray();

    /// <summary>10,000 customers, each with an e-mail of their own, who also all share one value.</summary>
    private static IEnumerable<Edge> Crowding(string shared) => Enumerable.Range(0, Crowd).SelectMany(i => new[]
    {
        Edge.Link($"customer_number:C{i:D5}", $"email:c{i}@example.com", "crm_email", "crm", $"crm-c{i}"),
        Edge.Link($"customer_number:C{i:D5}", shared, "signup", "web", $"s-{i}"),
    });

    private async Task<(IdentityLake Lake, long MapVersion, Dictionary<string, long> Map)> PublishedAsync(string rules = IdentityLake.Rules, int people = 3)
    {
        var lake = new IdentityLake(_dir, rules);
        await lake.AppendAsync(Baseline(people));
        (await lake.RunAsync()).Succeeded();
        return (lake, await lake.VersionAsync("identity_person_map"), await lake.PersonMapAsync());
    }

    private static async Task AssertUnpublishedAsync(IdentityLake lake, long mapVersion, Dictionary<string, long> map)
    {
        Assert.Equal(mapVersion, await lake.VersionAsync("identity_person_map"));
        Assert.Equal(map, await lake.PersonMapAsync());
        var ledger = await lake.QueryAsync("SELECT status, report FROM silver.identity_runs ORDER BY started_at");
        Assert.Equal(["published", "failed"], ledger.Select(r => (string)r!["status"]!));
    }

    [Fact]
    public async Task An_unlisted_placeholder_email_shared_by_ten_thousand_customers_fails_the_gate_and_is_named()
    {
        var (lake, version, map) = await PublishedAsync();
        await lake.AppendAsync(Crowding("email:N/A"));

        var result = await lake.RunAsync();

        Assert.Equal(1, result.ExitCode);
        var summary = result.JsonObject();
        Assert.Equal("failed", (string)summary["status"]!);
        // Detected as a placeholder (linked to 10,000 customer numbers, max_anchor_links 10): nobody merged through it.
        Assert.Equal(Crowd, (long)summary["edges_blocked_detected"]!);
        Assert.Equal(3 + Crowd, (long)summary["edges_merged"]!);
        Assert.Equal(2, (long)summary["largest_person_anchors"]!);
        Assert.Equal(3 + Crowd, (long)summary["persons"]!);
        Assert.Contains("error: health gate: max_blocked_edges_per_value: 1 value(s) had more than 100 links refused", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("offending: email 'N/A' (10000 links refused)", result.Stderr, StringComparison.Ordinal);
        await AssertUnpublishedAsync(lake, version, map);
        var decisions = await lake.QueryAsync("SELECT count(*) AS n FROM silver.identity_edge_decisions");
        Assert.Equal(3, (long)decisions[0]!["n"]!);
    }

    [Fact]
    public async Task A_household_device_shared_by_ten_thousand_customers_fails_the_gate_and_is_named()
    {
        var (lake, version, map) = await PublishedAsync();
        await lake.AppendAsync(Crowding("device:living-room-tablet"));

        var result = await lake.RunAsync();

        Assert.Equal(1, result.ExitCode);
        var summary = result.JsonObject();
        Assert.Equal(Crowd - 1, (long)summary["edges_blocked_soft"]!);
        Assert.Equal(3 + Crowd, (long)summary["persons"]!);
        Assert.Equal(2, (long)summary["largest_person_anchors"]!);
        Assert.Contains("offending: device 'living-room-tablet' (9999 links refused)", result.Stderr, StringComparison.Ordinal);
        await AssertUnpublishedAsync(lake, version, map);
    }

    [Fact]
    public async Task A_blocklisted_value_shared_by_ten_thousand_customers_passes_and_links_nobody()
    {
        var (lake, version, _) = await PublishedAsync();
        await lake.AppendAsync(Crowding("email:TEST@test.com"));

        var summary = (await lake.RunAsync()).Succeeded().JsonObject();

        Assert.Equal(Crowd, (long)summary["edges_blocked_listed"]!);
        Assert.Equal(3 + Crowd, (long)summary["persons"]!);
        Assert.Equal(Crowd, (long)summary["new_persons"]!);
        Assert.Equal(version + 1, await lake.VersionAsync("identity_person_map"));
        var map = await lake.PersonMapAsync();
        Assert.False(map.ContainsKey("email:TEST@test.com"));
        Assert.Equal(Crowd, map.Keys.Count(k => k.StartsWith("customer_number:C", StringComparison.Ordinal)));
        var reason = await lake.QueryAsync("SELECT DISTINCT reason FROM silver.identity_edge_decisions WHERE decision = 'blocked_listed'");
        Assert.Equal("blocklisted value: TEST@test.com", (string)Assert.Single(reason)!["reason"]!);
    }

    [Fact]
    public async Task Too_many_merges_against_the_previous_run_fail_the_gate()
    {
        var rules = IdentityLake.Rules.Replace("max_merge_ratio: 1", "max_merge_ratio: 0.05", StringComparison.Ordinal);
        var (lake, version, map) = await PublishedAsync(rules, people: 100);
        // 20 new records each link two of the 100 persons: 20 merges, 0.2 of the previous persons.
        await lake.AppendAsync(Enumerable.Range(0, 20).Select(i => Edge.Link($"customer_number:K{2 * i}", $"email:k{2 * i + 1}@example.com", "checkout", "web", $"w-{i}")));

        var result = await lake.RunAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(20, (long)result.JsonObject()["merges"]!);
        Assert.Contains("error: health gate: max_merge_ratio: 20 merges against 100 previous persons", result.Stderr, StringComparison.Ordinal);
        await AssertUnpublishedAsync(lake, version, map);
    }

    [Fact]
    public async Task A_few_merges_stay_under_the_merge_ratio_and_are_published()
    {
        var rules = IdentityLake.Rules.Replace("max_merge_ratio: 1", "max_merge_ratio: 0.05", StringComparison.Ordinal);
        var (lake, version, _) = await PublishedAsync(rules, people: 100);
        await lake.AppendAsync(Enumerable.Range(0, 5).Select(i => Edge.Link($"customer_number:K{2 * i}", $"email:k{2 * i + 1}@example.com", "checkout", "web", $"w-{i}")));

        var summary = (await lake.RunAsync()).Succeeded().JsonObject();

        Assert.Equal((5L, 95L), ((long)summary["merges"]!, (long)summary["persons"]!));
        Assert.Equal(version + 1, await lake.VersionAsync("identity_person_map"));
    }
}
