using Cdp.Engine;
using Cdp.Identity.Resolution;

namespace Cdp.Identity.Profiles;

/// <summary>The relations a lookup reads; a null one is left out of the answer (its models are not built yet).</summary>
public sealed record ProfileRelations(string PersonMap, string? Profile, string? Cart, string? Replenishment, string? Scores);

/// <summary>Everything a call-centre agent sees for one identifier: the person, their profile and traits, their open cart.</summary>
public sealed record PersonProfile(
    IdentifierRef Identifier,
    long PersonId,
    IReadOnlyList<IdentifierRef> Identifiers, // from the map when there is no profile yet; the profile lists them otherwise
    IReadOnlyDictionary<string, object?>? Profile,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Cart,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Replenishment,
    IReadOnlyDictionary<string, object?>? Scores);

/// <summary>
/// Resolves any identifier to the person's golden profile. Meant to be kept open (one engine, lake registered once)
/// and asked many times: each lookup is a handful of point queries that the sorted person map and the per-person
/// gold tables answer from a few row groups.
/// </summary>
public sealed class ProfileLookup(DuckDbEngine engine, ProfileRelations relations, string? defaultPhoneRegion)
{
    private readonly IdentifierLookup _lookup = new(engine, relations.PersonMap, defaultPhoneRegion);

    /// <exception cref="IdentityException">The identifier is unknown.</exception>
    public async Task<PersonProfile> LookupAsync(string identifier, CancellationToken ct = default)
    {
        var (id, person) = await _lookup.FindAsync(identifier, ct).ConfigureAwait(false);
        var profile = (await RowsAsync(relations.Profile, person, ct).ConfigureAwait(false)).FirstOrDefault();
        return new PersonProfile(
            id, person,
            profile is null ? await AnchorsAsync(person, ct).ConfigureAwait(false) : ListedAnchors(profile),
            profile,
            await RowsAsync(relations.Cart, person, ct).ConfigureAwait(false),
            await RowsAsync(relations.Replenishment, person, ct).ConfigureAwait(false),
            (await RowsAsync(relations.Scores, person, ct).ConfigureAwait(false)).FirstOrDefault());
    }

    // The golden profile's identifier lists (profile_persons) and the anchor type of their values.
    private static readonly (string Column, string Type)[] AnchorLists =
        [("customer_numbers", "customer_number"), ("emails", "email"), ("phones", "phone"), ("loyalty_cards", "loyalty_card")];

    private static List<IdentifierRef> ListedAnchors(IReadOnlyDictionary<string, object?> profile)
        => AnchorLists.SelectMany(a => profile.GetValueOrDefault(a.Column) is System.Collections.IEnumerable values and not string
            ? values.Cast<object?>().OfType<string>().Select(v => new IdentifierRef(a.Type, v))
            : []).ToList();

    /// <summary>
    /// The person's anchors from the map, when no profile lists them: the map is sorted by (type, value) for the
    /// lookup, so this reads it all; the golden profile carries the identifiers for the fast path.
    /// </summary>
    private async Task<IReadOnlyList<IdentifierRef>> AnchorsAsync(long person, CancellationToken ct)
    {
        var rows = await engine.QueryAsync(
            $"select identifier_type, identifier_value from {relations.PersonMap} where person_id = {person} and identifier_role = 'anchor' order by identifier_type, identifier_value",
            ct).ConfigureAwait(false);
        return rows.Rows.Select(r => new IdentifierRef((string)r[0]!, (string)r[1]!)).ToList();
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(string? relation, long person, CancellationToken ct)
    {
        if (relation is null) return [];
        var result = await engine.QueryAsync($"select * from {relation} where person_id = {person}", ct).ConfigureAwait(false);
        return result.Rows.Select(row => (IReadOnlyDictionary<string, object?>)result.Columns.Select((c, i) => (c.Name, Value: row[i]))
            .Where(x => x.Name != "person_id").ToDictionary(x => x.Name, x => x.Value)).ToList();
    }
}
