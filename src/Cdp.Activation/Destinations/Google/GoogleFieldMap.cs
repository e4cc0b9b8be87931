namespace Cdp.Activation.Destinations.Google;

/// <summary>
/// Which export columns hold a member's identifiers. Several email or phone columns may be listed (a person's work
/// and home addresses); the address identifier needs all four of its columns. A column missing from a sync's export
/// columns is simply not used; at least one must be present.
/// </summary>
public sealed record GoogleFieldMap(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, string GivenName, string FamilyName, string RegionCode, string PostalCode)
{
    /// <summary>The convention: email, phone, first_name, last_name, country, postcode.</summary>
    public static GoogleFieldMap Default { get; } = new(["email"], ["phone"], "first_name", "last_name", "country", "postcode");

    /// <summary>Every mapped column, in identifier order: emails, phones, then the address's four.</summary>
    public IEnumerable<string> Columns => Emails.Concat(Phones).Concat([GivenName, FamilyName, RegionCode, PostalCode]);
}
