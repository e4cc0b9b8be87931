using Cdp.Identity.Graph;
using Cdp.Identity.Resolution;

namespace Cdp.Identity.Tests.Resolution;

/// <summary>The identity: section of cdp.yml, as the project loader hands it over (mappings, lists, longs, doubles, strings).</summary>
public class IdentityConfigTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void A_missing_section_gives_the_default_rules()
        => Assert.Same(IdentityRules.Default, IdentityConfig.Read(null));

    [Fact]
    public void A_full_section_is_read_into_rules()
    {
        var rules = IdentityConfig.Read(Map(
            ("types", Map(
                ("customer_number", Map(("role", "anchor"), ("priority", 100L), ("max_per_person", 2L))),
                ("device", Map(("role", "soft"), ("priority", 10L))))),
            ("blocklist", Map(("any", new List<object?> { "N/A" }), ("email", new List<object?> { "x@y.z" }))),
            ("max_anchor_links", 7L),
            ("health", Map(("max_cluster_anchors", 9L), ("max_merge_ratio", 0.5), ("max_split_ratio", 1L)))));

        Assert.Equal([new IdentifierTypeRule("customer_number", IdentifierRole.Anchor, 100, 2), new IdentifierTypeRule("device", IdentifierRole.Soft, 10)], rules.Types);
        Assert.Equal([new BlockedValue(null, "N/A"), new BlockedValue("email", "x@y.z")], rules.Blocklist);
        Assert.Equal(7, rules.MaxAnchorLinks);
        Assert.Equal(new HealthThresholds(9, 100, 0.5, 1.0), rules.Health);
    }

    public static TheoryData<string, object?, string> BadSections() => new()
    {
        { "colour", "blue", "cdp.yml: identity.colour: unknown key" },
        { "types", "anchor", "cdp.yml: identity.types: expected a mapping" },
        { "types", Map(("x", "anchor")), "cdp.yml: identity.types.x: expected a mapping with role and priority" },
        { "types", Map(("x", Map(("role", "person"), ("priority", 1L)))), "cdp.yml: identity.types.x.role: 'person' is not a role" },
        { "types", Map(("x", Map(("priority", 1L)))), "cdp.yml: identity.types.x.role: missing" },
        { "types", Map(("x", Map(("role", "anchor")))), "cdp.yml: identity.types.x.priority: missing" },
        { "types", Map(("x", Map(("role", "anchor"), ("priority", "high")))), "cdp.yml: identity.types.x.priority: 'high' is not a whole number" },
        { "types", Map(("x", Map(("role", "anchor"), ("priority", -1L)))), "cdp.yml: identity.types.x.priority: '-1' is not a whole number of at least 0" },
        { "types", Map(("x", Map(("role", "anchor"), ("priority", 1L), ("max_per_person", 0L)))), "cdp.yml: identity.types.x.max_per_person: '0' is not a whole number of at least 1" },
        { "types", Map(("x", Map(("role", "anchor"), ("priority", 1L), ("weight", 3L)))), "cdp.yml: identity.types.x.weight: unknown key" },
        { "blocklist", new List<object?> { "n/a" }, "cdp.yml: identity.blocklist: expected a mapping" },
        { "blocklist", Map(("email", "n/a")), "cdp.yml: identity.blocklist.email: expected a list of values" },
        { "blocklist", Map(("email", new List<object?> { "" })), "cdp.yml: identity.blocklist.email: empty value" },
        { "max_anchor_links", 0L, "cdp.yml: identity.max_anchor_links: '0' is not a whole number of at least 1" },
        { "max_anchor_links", 1.5, "cdp.yml: identity.max_anchor_links: '1.5' is not a whole number" },
        { "health", 3L, "cdp.yml: identity.health: expected a mapping" },
        { "health", Map(("max_merge_ratio", 2L)), "cdp.yml: identity.health.max_merge_ratio: '2' is not a ratio between 0 and 1" },
        { "health", Map(("max_split_ratio", "lots")), "cdp.yml: identity.health.max_split_ratio: 'lots' is not a ratio" },
        { "health", Map(("max_cluster_anchors", 0L)), "cdp.yml: identity.health.max_cluster_anchors: '0' is not a whole number of at least 1" },
        { "health", Map(("max_blocked_edges_per_value", -2L)), "cdp.yml: identity.health.max_blocked_edges_per_value: '-2' is not a whole number of at least 0" },
        { "health", Map(("max_merges", 2L)), "cdp.yml: identity.health.max_merges: unknown key" },
    };

    [Theory]
    [MemberData(nameof(BadSections))]
    public void Every_bad_key_or_value_is_an_error_naming_its_key_path(string key, object? value, string expected)
    {
        var e = Assert.Throws<IdentityException>(() => IdentityConfig.Read(Map((key, value))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var e = Assert.Throws<IdentityException>(() => IdentityConfig.Read(Map(
            ("types", Map(("a", Map(("role", "x"), ("priority", 1L))), ("b", Map(("role", "anchor"))))),
            ("max_anchor_links", "many"))));
        var lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: identity.types.a.role:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: identity.types.b.priority:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: identity.max_anchor_links:", StringComparison.Ordinal));
    }
}
