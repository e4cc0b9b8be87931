using System.Globalization;
using Cdp.Engine;

namespace Cdp.Audiences.Membership;

/// <summary>
/// One cell of the overlap matrix: the members of both audiences (on the diagonal, the audience's size) and their
/// summed customer value from the scores table (null when there are no scores).
/// </summary>
public sealed record OverlapCell(string Audience, string Other, long Members, double? Value);

/// <summary>The overlap matrix of audiences, so that teams can pick audiences on size and value, not only ROI.</summary>
public static class AudienceOverlap
{
    /// <param name="members">A relation with the membership rows (see <see cref="AudienceMembership.RelationAsync"/>).</param>
    /// <param name="scores">A relation with person_id and value (gold.customer_scores), or null.</param>
    /// <returns>Every ordered pair of audiences (both orders, and the diagonal), sorted by audience then other.</returns>
    public static async Task<IReadOnlyList<OverlapCell>> ComputeAsync(DuckDbEngine engine, string members, string? scores = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var value = scores is null ? "CAST(NULL AS DOUBLE)" : "sum(coalesce(s.value, 0))";
        var join = scores is null ? "" : $"LEFT JOIN {scores} AS s ON s.person_id = a.person_id";
        var result = await engine.QueryAsync($"""
            WITH m AS (SELECT DISTINCT audience, person_id FROM {members} AS src),
            names AS (SELECT DISTINCT audience FROM m),
            pairs AS (
                SELECT a.audience, b.audience AS other, count(*) AS members, {value} AS value
                FROM m AS a JOIN m AS b ON b.person_id = a.person_id
                {join}
                GROUP BY ALL
            )
            SELECT x.audience, y.audience AS other, coalesce(pairs.members, 0) AS members,
                   {(scores is null ? "pairs.value" : "coalesce(pairs.value, 0)")} AS value
            FROM names AS x CROSS JOIN names AS y
            LEFT JOIN pairs ON pairs.audience = x.audience AND pairs.other = y.audience
            ORDER BY x.audience, y.audience
            """, cancellationToken).ConfigureAwait(false);
        return result.Rows.Select(r => new OverlapCell((string)r[0]!, (string)r[1]!, Convert.ToInt64(r[2], CultureInfo.InvariantCulture),
            r[3] is null ? null : Convert.ToDouble(r[3], CultureInfo.InvariantCulture))).ToList();
    }
}
