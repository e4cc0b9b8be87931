using System.Globalization;
using Cdp.Engine;

namespace Cdp.Identity.Resolution;

/// <summary>
/// Finds the person behind an identifier in the published person map, accepting what a person types: a raw phone
/// number in national format, an e-mail in any case. The map is written sorted by (type, value), so the lookup reads
/// one row group whatever the lake's size.
/// </summary>
public sealed class IdentifierLookup(DuckDbEngine engine, string personMap, string? defaultPhoneRegion)
{
    /// <summary>The identifier as stored and its person.</summary>
    /// <param name="identifier"><c>type:value</c>, or a bare value looked up under every type.</param>
    /// <exception cref="IdentityException">Unknown identifier, or a bare value found under two types.</exception>
    public async Task<(IdentifierRef Id, long Person)> FindAsync(string identifier, CancellationToken ct = default)
    {
        var colon = identifier.IndexOf(':', StringComparison.Ordinal);
        var typed = colon > 0 && identifier[..colon].All(c => c is (>= 'a' and <= 'z') or '_');
        var type = typed ? identifier[..colon] : null;
        var value = typed ? identifier[(colon + 1)..] : identifier;
        var candidates = new[] { value, value.Trim(), IdentifierNormalizer.Email(value), IdentifierNormalizer.Phone(value, defaultPhoneRegion) }
            .Where(v => !string.IsNullOrEmpty(v)).Distinct().ToList();
        var rows = await engine.QueryAsync($"""
            select identifier_type, identifier_value, person_id from {personMap}
            where identifier_value in ({string.Join(", ", candidates.Select(Sql.Literal))})
            {(type is null ? "" : "and identifier_type = " + Sql.Literal(type))}
            order by identifier_type limit 2
            """, ct).ConfigureAwait(false);
        if (rows.Rows.Count == 0)
            throw new IdentityException($"no identifier {(type is null ? "" : type + " ")}'{value}' in {personMap} (tried: {string.Join(", ", candidates)}); give it as type:value, e.g. email:ana@example.com");
        if (rows.Rows.Count > 1 && type is null)
            throw new IdentityException($"'{value}' is a {rows.Rows[0][0]} and a {rows.Rows[1][0]}; give it as type:value, e.g. {rows.Rows[0][0]}:{value}");
        var row = rows.Rows[0];
        return (new IdentifierRef((string)row[0]!, (string)row[1]!), Convert.ToInt64(row[2], CultureInfo.InvariantCulture));
    }
}
