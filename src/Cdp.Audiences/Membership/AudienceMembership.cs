using Cdp.Delta;
using Cdp.Engine;

namespace Cdp.Audiences.Membership;

/// <summary>Reads published memberships back, at the latest or any past version of <c>gold.audience_members</c>.</summary>
public static class AudienceMembership
{
    /// <summary>A SQL relation over the members table at <paramref name="version"/> (the latest when null).</summary>
    /// <exception cref="AudienceException">The table does not exist yet.</exception>
    public static async Task<string> RelationAsync(DuckDbEngine engine, DeltaTable members, long? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!await members.ExistsAsync(cancellationToken).ConfigureAwait(false))
            throw new AudienceException($"No audience has been built yet ({members.Location} does not exist): run cdp audiences build.");
        var snapshot = await members.GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
        return "(" + await SnapshotScan.BuildAsync(engine, members.Store, snapshot, cancellationToken: cancellationToken).ConfigureAwait(false) + ")";
    }

    /// <summary>The person ids of one audience at a version, sorted; with <paramref name="contactableOn"/>, only those contactable on that channel.</summary>
    public static async Task<IReadOnlyList<long>> PersonIdsAsync(DuckDbEngine engine, DeltaTable members, string audience, long? version = null,
        Definitions.Channel? contactableOn = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var relation = await RelationAsync(engine, members, version, cancellationToken).ConfigureAwait(false);
        var filter = contactableOn is { } c ? $" AND {Sql.Identifier(MembershipColumns.Contactable(c))}" : "";
        var result = await engine.QueryAsync(
            $"SELECT person_id FROM {relation} AS m WHERE audience = {Sql.Literal(audience)}{filter} ORDER BY person_id", cancellationToken).ConfigureAwait(false);
        return result.Rows.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
