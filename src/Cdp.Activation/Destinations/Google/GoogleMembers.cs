using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Google;

/// <summary>One user identifier as sent: a hashed email or phone, or an address (names hashed, region and postal code not).</summary>
internal abstract record GoogleIdentifier;

/// <summary><paramref name="Field"/> is <c>emailAddress</c> or <c>phoneNumber</c>.</summary>
internal sealed record HashedIdentifier(string Field, string Hash) : GoogleIdentifier;

internal sealed record AddressIdentifier(string GivenNameHash, string FamilyNameHash, string RegionCode, string PostalCode) : GoogleIdentifier;

/// <summary>Where the field map's columns sit in a batch's export columns (-1: absent).</summary>
internal sealed record GoogleColumns(int[] Emails, int[] Phones, int GivenName, int FamilyName, int RegionCode, int PostalCode);

/// <summary>Turns a sync record into the identifiers of one audience member.</summary>
internal static class GoogleMembers
{
    public static GoogleColumns Resolve(string destination, GoogleFieldMap map, IReadOnlyList<string> columns)
    {
        int Find(string name)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            }
            return -1;
        }

        var resolved = new GoogleColumns(map.Emails.Select(Find).Where(i => i >= 0).ToArray(), map.Phones.Select(Find).Where(i => i >= 0).ToArray(),
            Find(map.GivenName), Find(map.FamilyName), Find(map.RegionCode), Find(map.PostalCode));
        var hasAddress = resolved.GivenName >= 0 && resolved.FamilyName >= 0 && resolved.RegionCode >= 0 && resolved.PostalCode >= 0;
        if (resolved.Emails.Length == 0 && resolved.Phones.Length == 0 && !hasAddress)
            throw new InvalidOperationException($"Google Data Manager destination '{destination}': the export columns [{string.Join(", ", columns)}] hold no identifier. " +
                $"Export at least one of [{string.Join(", ", map.Columns)}] (email, phone, or all four address columns), or change the destination's field map.");
        return resolved;
    }

    /// <summary>
    /// The member's identifiers in a fixed order (emails, phones, address), each once, at most
    /// <see cref="GoogleDataManagerDestination.MaxIdentifiersPerMember"/>: later ones are dropped. Values that cannot be
    /// normalised are left out; an empty list means the member cannot be sent.
    /// </summary>
    public static IReadOnlyList<GoogleIdentifier> Identifiers(SyncRecord record, GoogleColumns columns)
    {
        string? Field(int i) => i >= 0 && i < record.Fields.Count ? record.Fields[i] : null;

        var identifiers = new List<GoogleIdentifier>();
        void Add(GoogleIdentifier identifier)
        {
            if (identifiers.Count < GoogleDataManagerDestination.MaxIdentifiersPerMember && !identifiers.Contains(identifier)) identifiers.Add(identifier);
        }

        foreach (var i in columns.Emails)
        {
            if (GoogleNormalization.Email(Field(i)) is { } email) Add(new HashedIdentifier("emailAddress", GoogleNormalization.Sha256Hex(email)));
        }
        foreach (var i in columns.Phones)
        {
            if (GoogleNormalization.Phone(Field(i)) is { } phone) Add(new HashedIdentifier("phoneNumber", GoogleNormalization.Sha256Hex(phone)));
        }
        if (GoogleNormalization.GivenName(Field(columns.GivenName)) is { } given && GoogleNormalization.FamilyName(Field(columns.FamilyName)) is { } family
            && GoogleNormalization.RegionCode(Field(columns.RegionCode)) is { } region && GoogleNormalization.PostalCode(Field(columns.PostalCode)) is { } postal)
        {
            Add(new AddressIdentifier(GoogleNormalization.Sha256Hex(given), GoogleNormalization.Sha256Hex(family), region, postal));
        }
        return identifiers;
    }
}
