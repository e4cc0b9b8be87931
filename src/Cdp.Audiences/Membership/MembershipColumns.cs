using Cdp.Audiences.Definitions;

namespace Cdp.Audiences.Membership;

/// <summary>The columns every membership row has, before the audience's export fields.</summary>
public static class MembershipColumns
{
    public const string Audience = "audience";
    public const string PersonId = "person_id";
    public const string Holdout = "holdout";
    public const string HoldoutGroup = "holdout_group";
    public const string Priority = "priority";
    public const string DefinitionHash = "definition_hash";
    public const string BuiltAt = "built_at";

    public static string Contactable(Channel channel) => "contactable_" + channel.ToString().ToLowerInvariant();

    /// <summary>True when the member would have been contactable on the channel but an arbitration rule turned it off.</summary>
    public static string Arbitrated(Channel channel) => "arbitrated_" + channel.ToString().ToLowerInvariant();

    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        Audience, PersonId, Holdout, HoldoutGroup, Priority, DefinitionHash, BuiltAt,
        Contactable(Channel.Email), Contactable(Channel.Sms), Contactable(Channel.Ads),
        Arbitrated(Channel.Email), Arbitrated(Channel.Sms), Arbitrated(Channel.Ads),
    };
}
