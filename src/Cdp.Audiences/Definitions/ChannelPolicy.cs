namespace Cdp.Audiences.Definitions;

/// <summary>
/// Channel arbitration: a member of an audience who is contactable on <paramref name="SkipWhenContactable"/> in that
/// audience, and meets <paramref name="When"/>, is not contacted on <paramref name="Channel"/> too: their
/// <c>contactable_&lt;channel&gt;</c> is false and <c>arbitrated_&lt;channel&gt;</c> true. For example, a person who
/// converts by email is not also retargeted on the ad platforms when the audience emails them anyway.
/// </summary>
/// <param name="When">A condition over the profile row (the audience condition language); null for everyone.</param>
/// <param name="Path">Where it was declared, e.g. <c>cdp.yml: audiences.arbitration[0]</c>.</param>
public sealed record ArbitrationRule(Channel Channel, Channel SkipWhenContactable, Condition? When, string Path);

/// <summary>At most <paramref name="Contacts"/> contacts of one person on a channel within any <paramref name="Days"/> days.</summary>
public sealed record ContactCap(int Contacts, int Days)
{
    public TimeSpan Window => TimeSpan.FromDays(Days);
}

/// <summary>
/// Contact pressure limits per channel, across all audiences and destinations of the channel. A contact is a person
/// added to a destination of the channel (a sync's add accepted, or announced and not yet answered); updates and
/// removes are not contacts. The sync layer applies them (<c>Cdp.Activation</c>'s <c>AudienceSync</c>).
/// </summary>
public sealed record ContactCaps(IReadOnlyDictionary<Channel, ContactCap> Caps)
{
    public static readonly ContactCaps None = new(new Dictionary<Channel, ContactCap>());

    public ContactCap? For(Channel channel) => Caps.GetValueOrDefault(channel);

    /// <summary>The cap of a channel named as the sync layer names it (<c>email</c>, <c>sms</c>, <c>ads</c>); null for no cap or another name.</summary>
    public ContactCap? For(string channel)
        => channel.Length > 0 && channel.All(char.IsAsciiLetter) && Enum.TryParse<Channel>(channel, ignoreCase: true, out var c) ? For(c) : null;
}
