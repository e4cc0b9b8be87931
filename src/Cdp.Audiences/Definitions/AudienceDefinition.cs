namespace Cdp.Audiences.Definitions;

/// <summary>A channel an audience can be sent to; each has its own consent rule and contactable flag.</summary>
public enum Channel
{
    Email,
    Sms,
    Ads,
}

/// <summary>A percentage of people kept out of every send, chosen by a stable hash of their person id and a salt.</summary>
/// <param name="Percent">0 to 100, with a resolution of 0.01.</param>
public sealed record HoldoutSettings(double Percent, string Salt)
{
    public static readonly HoldoutSettings None = new(0, "");
}

/// <summary>
/// One declared audience: who is in it (<see cref="Condition"/>), where it may be sent, what it exports, its priority
/// against other audiences and its own control group.
/// </summary>
/// <param name="Path">Where it was declared (for error messages), e.g. <c>cdp.yml: audiences.definitions.win_back</c>.</param>
public sealed record AudienceDefinition(
    string Name,
    string? Description,
    IReadOnlyList<Channel> Channels,
    int Priority,
    HoldoutSettings Holdout,
    IReadOnlyList<string> Fields,
    Condition Condition,
    string Path)
{
    /// <summary>Columns the audience needs (a score, a segment); when one is missing the audience is skipped, not an error.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];
}

/// <summary>
/// Every declared audience, the global holdout that applies to all of them, the channel arbitration rules applied
/// when memberships are built, and the contact caps the sync layer applies.
/// </summary>
public sealed record AudienceSet(IReadOnlyList<AudienceDefinition> Audiences, HoldoutSettings GlobalHoldout)
{
    public static readonly AudienceSet Empty = new([], HoldoutSettings.None);

    public IReadOnlyList<ArbitrationRule> Arbitration { get; init; } = [];

    public ContactCaps Pressure { get; init; } = ContactCaps.None;

    public AudienceDefinition? Find(string name) => Audiences.FirstOrDefault(a => a.Name == name);
}
