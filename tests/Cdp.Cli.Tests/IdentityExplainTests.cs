using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp identity explain</c> on a small resolved lake: the chain linking two identifiers, or the refused links.</summary>
public sealed class IdentityExplainTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Ana: customer C1 - e-mail - order O1, and the order was placed on the family tablet D1. Her partner C2 used
    /// the same tablet first (a stronger link: two logins), so the tablet belongs to C2 and O1 - D1 is refused as soft.
    /// </summary>
    private async Task<IdentityLake> ResolvedAsync()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules);
        await lake.AppendAsync([
            Edge.Link("customer_number:C1", "email:ana@example.com", "crm_email", "crm", "crm-1"),
            Edge.Link("order_id:O1", "email:ana@example.com", "order_email", "shop", "O1"),
            Edge.Link("order_id:O1", "device:D1", "order_device", "shop", "O1"),
            Edge.Link("customer_number:C2", "device:D1", "app_login", "app", "login-8"),
            Edge.Link("customer_number:C2", "device:D1", "app_login", "app", "login-9"),
        ]);
        (await lake.RunAsync()).Succeeded();
        return lake;
    }

    [Fact]
    public async Task Two_identifiers_of_one_person_print_the_shortest_chain_with_rules_and_records()
    {
        var lake = await ResolvedAsync();

        var json = (await lake.ExplainAsync("customer_number:C1", "order_id:O1", "--format", "json")).Succeeded().JsonObject();

        Assert.Equal(true, (bool?)json["same_person"]);
        Assert.Equal((long)json["person_id"]!, (long)json["other_person_id"]!);
        var path = json["path"]!.AsArray().Select(e => $"{e!["from"]} > {e["to"]} | {e["rule"]} | {e["source"]} | {e["record_id"]} | {e["decision"]}").ToList();
        Assert.Equal([
            "customer_number:C1 > email:ana@example.com | crm_email | crm | crm-1 | merged",
            "email:ana@example.com > order_id:O1 | order_email | shop | O1 | merged",
        ], path);
        Assert.Empty(json["refused_between"]!.AsArray());
        Assert.Equal(["customer_number:C1", "email:ana@example.com", "order_id:O1"],
            json["identifiers"]!.AsArray().Select(i => $"{i!["type"]}:{i["value"]}").Order(StringComparer.Ordinal));

        // The same chain as a table for people (long cells wrap at the console width, so short cells are checked).
        var text = (await lake.ExplainAsync("customer_number:C1", "order_id:O1")).Succeeded().Stdout;
        Assert.Contains("customer_number:C1 and order_id:O1 are the same person, linked by 2 edge(s):", text, StringComparison.Ordinal);
        Assert.Equal(["crm_email", "order_email"], Cells(text).Where(c => c.EndsWith("_email", StringComparison.Ordinal)));
        Assert.Contains("crm-1", Cells(text));
    }

    [Fact]
    public async Task Identifiers_of_different_persons_print_the_refused_links_with_their_reason()
    {
        var lake = await ResolvedAsync();

        var json = (await lake.ExplainAsync("customer_number:C1", "customer_number:C2", "--format", "json")).Succeeded().JsonObject();

        Assert.Equal(false, (bool?)json["same_person"]);
        Assert.NotEqual((long)json["person_id"]!, (long)json["other_person_id"]!);
        Assert.Empty(json["path"]!.AsArray());
        var refused = Assert.Single(json["refused_between"]!.AsArray())!;
        Assert.Equal(("order_id:O1", "device:D1", "blocked_soft"), ((string)refused["from"]!, (string)refused["to"]!, (string)refused["decision"]!));
        Assert.Equal("soft identifier: a device never merges two people on its own", (string)refused["reason"]!);
        Assert.Equal(("order_device", "shop", "O1", 1L), ((string)refused["rule"]!, (string)refused["source"]!, (string)refused["record_id"]!, (long)refused["support"]!));

        var text = (await lake.ExplainAsync("customer_number:C1", "customer_number:C2")).Succeeded().Stdout;
        Assert.Contains($"customer_number:C2 belongs to another person, {(long)json["other_person_id"]!}. 1 link(s) between them were", text, StringComparison.Ordinal);
        Assert.Contains("device:D1", Cells(text));
        Assert.Contains("shop", Cells(text));
    }

    [Fact]
    public async Task A_bare_value_is_found_under_its_type_and_its_normalised_form()
    {
        var lake = await ResolvedAsync();
        var json = (await lake.ExplainAsync("  ANA@Example.com ", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal("email:ana@example.com", (string)json["identifier"]!);
        Assert.Null(json["other"]);
        Assert.Null(json["same_person"]);
        Assert.Equal(3, json["identifiers"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_unknown_identifier_exits_1_naming_it()
    {
        var lake = await ResolvedAsync();

        var result = (await lake.ExplainAsync("email:nobody@example.com")).Failed(1);
        Assert.Contains("no identifier email 'nobody@example.com' in silver.identity_person_map", result.Stderr, StringComparison.Ordinal);

        var other = (await lake.ExplainAsync("customer_number:C1", "customer_number:C404")).Failed(1);
        Assert.Contains("no identifier customer_number 'C404'", other.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_before_any_run_says_to_run_first()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules);
        await lake.AppendAsync([Edge.Link("customer_number:C1", "email:ana@example.com")]);
        var result = (await lake.ExplainAsync("customer_number:C1")).Failed(1);
        Assert.Contains("no published person map", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("cdp identity run", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The non-empty table cells of the text output, line by line.</summary>
    private static List<string> Cells(string text)
        => text.Split('\n').Where(l => l.StartsWith('│')).SelectMany(l => l.Split('│')).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
}
