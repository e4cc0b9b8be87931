namespace Cdp.Identity.Graph;

/// <summary>What an identifier type says about a person, which decides what its edges may merge.</summary>
public enum IdentifierRole
{
    /// <summary>Names one person (customer number, e-mail, phone, loyalty card): the evidence clusters are built on.</summary>
    Anchor,

    /// <summary>Names one record (order, session, till transaction): links what the record carries, belongs to whoever it links to.</summary>
    Record,

    /// <summary>
    /// May be shared by several people (a household tablet's device id, a family browser's cookie): it joins a person,
    /// or collects anonymous records, but never merges two clusters that each hold an anchor on its own.
    /// </summary>
    Soft,
}

/// <summary>One identifier type: its role, the priority of the edges it takes part in, and how many a person may have.</summary>
/// <param name="Priority">Higher is stronger. An edge is as strong as its weaker end; stronger edges are clustered first,
/// so when a limit forbids a merge the weakest edge is the one refused.</param>
/// <param name="MaxPerPerson">At most this many distinct values of the type in one cluster; null for no limit.</param>
public sealed record IdentifierTypeRule(string Name, IdentifierRole Role, int Priority, int? MaxPerPerson = null);

/// <summary>A value that links nobody (a placeholder such as "test@test.com"); <see cref="Type"/> null applies to every type.</summary>
public sealed record BlockedValue(string? Type, string Value);

/// <summary>Limits a resolution run must stay within to be published; the previous graph stays live otherwise.</summary>
/// <param name="MaxClusterAnchors">Largest number of anchor identifiers one person may have.</param>
/// <param name="MaxBlockedEdgesPerValue">A value whose edges are refused more often than this is named as suspicious.</param>
/// <param name="MaxMergeRatio">New merges as a share of the previous run's persons (not checked on a first run).</param>
/// <param name="MaxSplitRatio">New splits as a share of the previous run's persons (not checked on a first run).</param>
public sealed record HealthThresholds(
    int MaxClusterAnchors = 50,
    int MaxBlockedEdgesPerValue = 100,
    double MaxMergeRatio = 0.05,
    double MaxSplitRatio = 0.05);

/// <summary>
/// Probabilistic matching of one relation's records (Fellegi-Sunter, see <c>Cdp.Identity.Matching</c>): links scored
/// above the settings' threshold join the graph as edges between two identifiers of <see cref="IdentifierType"/>, with
/// <see cref="Priority"/> (below the deterministic rules, so a limit refuses a scored link first).
/// </summary>
/// <param name="Relation">The records, e.g. <c>silver.stg_crm_customers</c>; the settings' unique_id column holds the identifiers.</param>
/// <param name="SettingsPath">The matching settings file (absolute, or relative to the project).</param>
public sealed record MatchingRule(string Name, string Relation, string IdentifierType, string SettingsPath, int Priority);

/// <summary>
/// The identity rules of a project (the <c>identity:</c> section of cdp.yml): identifier types, placeholder values,
/// automatic detection of values linked to implausibly many anchors, and the health gate.
/// </summary>
/// <param name="MaxAnchorLinks">An anchor value linked to more distinct anchors of one other type than this is treated
/// as a placeholder (an e-mail shared by 40 customer numbers is not a person's e-mail); its edges are blocked.</param>
public sealed record IdentityRules(
    IReadOnlyList<IdentifierTypeRule> Types,
    IReadOnlyList<BlockedValue> Blocklist,
    int MaxAnchorLinks,
    HealthThresholds Health)
{
    /// <summary>Probabilistic matching runs whose links join the graph (none by default).</summary>
    public IReadOnlyList<MatchingRule> Matching { get; init; } = [];

    /// <summary>The rules the demo brand and a typical retailer start from.</summary>
    public static IdentityRules Default { get; } = new(
        [
            new("customer_number", IdentifierRole.Anchor, 100, 3),
            new("loyalty_card", IdentifierRole.Anchor, 90, 3),
            new("email", IdentifierRole.Anchor, 80, 4),
            new("phone", IdentifierRole.Anchor, 70, 3),
            new("order_id", IdentifierRole.Record, 60),
            new("store_transaction", IdentifierRole.Record, 60),
            new("web_session", IdentifierRole.Record, 50),
            new("app_session", IdentifierRole.Record, 50),
            new("cookie", IdentifierRole.Soft, 20),
            new("device", IdentifierRole.Soft, 20),
        ],
        [
            new(null, "n/a"), new(null, "na"), new(null, "none"), new(null, "null"), new(null, "unknown"), new(null, "-"),
            new("email", "test@test.com"), new("email", "noemail@noemail.com"), new("email", "no@email.com"),
            new("phone", "0000000000"), new("phone", "+330000000000"), new("phone", "+33000000000"),
        ],
        MaxAnchorLinks: 10,
        new HealthThresholds());

    /// <summary>The rule for <paramref name="type"/>, or null when the project does not declare it.</summary>
    public IdentifierTypeRule? Find(string type) => Types.FirstOrDefault(t => t.Name == type);
}
