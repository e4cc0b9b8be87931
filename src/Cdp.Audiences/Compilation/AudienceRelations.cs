using Cdp.Engine;

namespace Cdp.Audiences.Compilation;

/// <summary>
/// The gold relations audiences read, as SQL names. Profiles is one row per person (person_id plus traits); scores
/// and segments (one row per person, optional) are joined to it; consents is person_consents (person_id, channel,
/// purpose, granted); activity is person_activity (person_id, activity_type, activity_at).
/// </summary>
public sealed record AudienceRelations(string Profiles, string Consents, string Activity, string? Scores = null, string? Segments = null)
{
    /// <summary>The gold zone's tables as the lake registers them.</summary>
    public static readonly AudienceRelations Gold = new(
        Sql.Qualified("gold", "customer_profiles"), Sql.Qualified("gold", "person_consents"), Sql.Qualified("gold", "person_activity"),
        Sql.Qualified("gold", "customer_scores"), Sql.Qualified("gold", "customer_segments"));
}
