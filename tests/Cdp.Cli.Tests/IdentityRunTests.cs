using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp identity run</c> end to end on tiny lakes: stable person ids across runs (kept, merged, split back and
/// restored, never reissued), the merge/split log with its causes, and unknown identifier types.
/// </summary>
public sealed class IdentityRunTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Edge[] ThreeCustomers =
    [
        Edge.Link("customer_number:C1", "email:ana@example.com", "crm_email", "crm", "crm-1"),
        Edge.Link("customer_number:C2", "email:bob@example.com", "crm_email", "crm", "crm-2"),
        Edge.Link("customer_number:C3", "email:cy@example.com", "crm_email", "crm", "crm-3"),
        Edge.Link("order_id:O7", "email:cy@example.com", "order_email", "shop", "O7"),
    ];

    [Fact]
    public async Task Person_ids_are_kept_on_rebuild_merged_to_the_older_id_restored_on_split_and_never_reissued()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules);
        await lake.AppendAsync(ThreeCustomers);

        // 1. First run: three persons, numbered in identifier order.
        var first = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal(("published", 3L, 3L), ((string)first["status"]!, (long)first["persons"]!, (long)first["new_persons"]!));
        // The health figures count edges per pair of identifier types and persons per number of anchors.
        Assert.Equal(3L, (long)first["edges_by_types"]!["customer_number-email"]!);
        Assert.Equal(1L, (long)first["edges_by_types"]!["email-order_id"]!);
        Assert.Equal(3L, (long)first["anchors_per_person"]!["2"]!);
        var ids = await lake.PersonMapAsync();
        Assert.Equal((1L, 1L), (ids["customer_number:C1"], ids["email:ana@example.com"]));
        Assert.Equal((2L, 2L), (ids["customer_number:C2"], ids["email:bob@example.com"]));
        Assert.Equal((3L, 3L, 3L), (ids["customer_number:C3"], ids["email:cy@example.com"], ids["order_id:O7"]));

        // 2. A full rebuild with the same edges and rules keeps every id.
        var rebuild = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal((3L, 0L, 0L, 0L), ((long)rebuild["kept_persons"]!, (long)rebuild["new_persons"]!, (long)rebuild["merges"]!, (long)rebuild["splits"]!));
        Assert.Equal(ids, await lake.PersonMapAsync());

        // 3. One web checkout links C3 to bob's e-mail: persons 2 and 3 merge, and the older id (2) survives.
        await lake.AppendAsync([Edge.Link("customer_number:C3", "email:bob@example.com", "checkout_email", "web", "W-77")]);
        var merged = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal((2L, 1L, 0L), ((long)merged["persons"]!, (long)merged["merges"]!, (long)merged["splits"]!));
        var afterMerge = await lake.PersonMapAsync();
        Assert.Equal(1L, afterMerge["customer_number:C1"]);
        Assert.All(new[] { "customer_number:C2", "email:bob@example.com", "customer_number:C3", "email:cy@example.com", "order_id:O7" },
            id => Assert.Equal(2L, afterMerge[id]));
        var merge = Assert.Single(await lake.QueryAsync("SELECT kind, person_id, other_person_id, identifiers_moved, cause_decision, cause, cause_rule, cause_source, cause_record_id FROM silver.identity_changes"))!;
        Assert.Equal("merge", (string)merge["kind"]!);
        Assert.Equal((2L, 3L, 3L), ((long)merge["person_id"]!, (long)merge["other_person_id"]!, (long)merge["identifiers_moved"]!));
        Assert.Equal("merged", (string)merge["cause_decision"]!);
        Assert.Equal("customer_number C3 - email bob@example.com", (string)merge["cause"]!);
        Assert.Equal(("checkout_email", "web", "W-77"), ((string)merge["cause_rule"]!, (string)merge["cause_source"]!, (string)merge["cause_record_id"]!));

        // 4. The checkout is removed upstream: the two split back with their original ids, 3 restored.
        await lake.ReplaceAsync(ThreeCustomers);
        var split = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal((3L, 0L, 1L, 1L), ((long)split["persons"]!, (long)split["merges"]!, (long)split["splits"]!, (long)split["restored_persons"]!));
        Assert.Equal(ids, await lake.PersonMapAsync());
        var changes = await lake.QueryAsync("SELECT kind, person_id, other_person_id, identifiers_moved, cause FROM silver.identity_changes ORDER BY changed_at, kind");
        Assert.Equal(2, changes.Count);
        var splitRow = changes.Single(c => (string)c!["kind"]! == "split")!;
        Assert.Equal((2L, 3L, 3L), ((long)splitRow["person_id"]!, (long)splitRow["other_person_id"]!, (long)splitRow["identifiers_moved"]!));
        Assert.Equal("no edge links them any more (a linking record was removed or changed)", (string)splitRow["cause"]!);

        // 5. Person 3 leaves (its records erased) and a new customer arrives: the newcomer gets 4, never the retired 3.
        await lake.ReplaceAsync([ThreeCustomers[0], ThreeCustomers[1], Edge.Link("customer_number:C4", "email:dee@example.com", "crm_email", "crm", "crm-4")]);
        var fresh = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal((3L, 2L, 1L), ((long)fresh["persons"]!, (long)fresh["kept_persons"]!, (long)fresh["new_persons"]!));
        var last = await lake.PersonMapAsync();
        Assert.Equal((1L, 2L, 4L, 4L), (last["customer_number:C1"], last["customer_number:C2"], last["customer_number:C4"], last["email:dee@example.com"]));
        Assert.False(last.ContainsKey("customer_number:C3"));
        var ledger = await lake.QueryAsync("SELECT status, next_person_id FROM silver.identity_runs ORDER BY started_at");
        Assert.Equal(["published", "published", "published", "published", "published"], ledger.Select(r => (string)r!["status"]!));
        Assert.Equal([4L, 4L, 4L, 4L, 5L], ledger.Select(r => (long)r!["next_person_id"]!));
    }

    [Fact]
    public async Task A_merge_refused_by_a_limit_is_logged_as_the_weakest_edge_with_the_limit()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules);
        // Three customer numbers on one chain (limit 2 per person). Order O1 names C3 on two records, so its weakest
        // link is O1 - email a (priority 60, one record): that is the edge refused.
        await lake.AppendAsync([
            Edge.Link("customer_number:C3", "order_id:O1", "order_customer", "shop", "O1-invoice"),
            Edge.Link("customer_number:C1", "email:a@example.com", "crm_email", "crm", "crm-1"),
            Edge.Link("customer_number:C2", "email:a@example.com", "crm_email", "crm", "crm-2"),
            Edge.Link("customer_number:C3", "order_id:O1", "order_customer", "shop", "O1"),
            Edge.Link("order_id:O1", "email:a@example.com", "order_email", "shop", "O1"),
        ]);
        var run = (await lake.RunAsync()).Succeeded().JsonObject();
        Assert.Equal((2L, 1L), ((long)run["persons"]!, (long)run["edges_blocked_limit"]!));

        var refused = Assert.Single(await lake.QueryAsync("SELECT left_value, right_value, decision, reason, rule FROM silver.identity_edge_decisions WHERE decision <> 'merged'"))!;
        Assert.Equal(("a@example.com", "O1", "blocked_limit"), ((string)refused["left_value"]!, (string)refused["right_value"]!, (string)refused["decision"]!));
        Assert.Equal("limit: at most 2 customer_number per person", (string)refused["reason"]!);
        Assert.Equal("order_email", (string)refused["rule"]!);
    }

    [Fact]
    public async Task Edges_with_an_undeclared_type_fail_naming_the_type_and_the_declared_ones()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules);
        await lake.AppendAsync([Edge.Link("customer_number:C1", "loyalty_card:L9"), Edge.Link("customer_number:C1", "email:a@example.com")]);

        var result = (await CdpCli.RunAsync("identity", "run", "--project-dir", lake.Project, "--lake", lake.Lake)).Failed(1);

        Assert.Contains("identifier type(s) 'loyalty_card' that identity.types in cdp.yml does not declare", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("declared: customer_number, email, order_id, device", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(lake.Table("identity_person_map")));
    }

    [Fact]
    public async Task A_bad_identity_section_fails_naming_the_key_path()
    {
        var lake = new IdentityLake(_dir, IdentityLake.Rules.Replace("role: soft", "role: shared", StringComparison.Ordinal));
        await lake.AppendAsync(ThreeCustomers);

        var result = (await CdpCli.RunAsync("identity", "run", "--project-dir", lake.Project, "--lake", lake.Lake)).Failed(1);

        Assert.Contains("cdp.yml: identity.types.device.role: 'shared' is not a role (anchor, record or soft)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_matching_rule_over_a_missing_relation_or_settings_file_fails_naming_it()
    {
        var settings = Path.Combine(Cdp.Testing.RepositoryPaths.Root, "sql", "identity", "matching", "crm_customers.yml");
        string Matching(string relation, string file) => IdentityLake.Rules + $$"""

              matching:
                dupes: {relation: {{relation}}, identifier_type: customer_number, settings: '{{file}}', priority: 30}
            """;

        var lake = new IdentityLake(_dir, Matching("silver.stg_crm_customers", settings));
        await lake.AppendAsync(ThreeCustomers);
        var missingRelation = (await CdpCli.RunAsync("identity", "run", "--project-dir", lake.Project, "--lake", lake.Lake)).Failed(1);
        Assert.Contains("identity.matching.dupes: cannot read silver.stg_crm_customers", missingRelation.Stderr, StringComparison.Ordinal);
        Assert.Contains("cdp models build -s tag:identity", missingRelation.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(lake.Table("identity_person_map")), "nothing is published when a matching rule cannot run");

        File.WriteAllText(Path.Combine(lake.Project, "cdp.yml"), "name: identity_test\nlake: ./lake\n" + Matching("silver.stg_crm_customers", "no/such.yml") + "\n");
        var missingFile = (await CdpCli.RunAsync("identity", "run", "--project-dir", lake.Project, "--lake", lake.Lake)).Failed(1);
        Assert.Contains("cdp.yml: identity.matching.dupes.settings: file 'no/such.yml' not found", missingFile.Stderr, StringComparison.Ordinal);
    }
}
