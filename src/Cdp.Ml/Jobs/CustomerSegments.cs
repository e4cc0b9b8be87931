using System.Globalization;
using System.Text.Json;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ml.Segmentation;

namespace Cdp.Ml.Jobs;

/// <summary>
/// Segments the scored customers with k-means on value and behaviour and publishes <c>gold.customer_segments</c>: one
/// row per customer with the segment's number (1 = most valuable), name, description, size and profile.
/// </summary>
public static class CustomerSegments
{
    public const string SegmentsTable = "customer_segments";

    /// <summary>The value and behaviour features segments are made of, and how a marketer reads each.</summary>
    public static readonly IReadOnlyList<SegmentFeature> Features =
    [
        SegmentFeature.Good("value", "value", "high value", "low value", log: true),
        SegmentFeature.Bad("churn_probability", "churn risk", "at risk of churning", "loyal"),
        SegmentFeature.Bad("recency_days", "recency", "lapsed", "recently active"),
        SegmentFeature.Good("purchases_365d", "frequency", "frequent buyers", "occasional buyers", log: true),
        SegmentFeature.Good("spend_avg", "basket", "big baskets", "small baskets", log: true),
        SegmentFeature.Good("email_opens_90d", "email engagement", "email-engaged", "email-quiet", log: true),
        SegmentFeature.Good("online_events_90d", "online activity", "active online", "rarely online", log: true),
        SegmentFeature.Good("store_share", "store share", "store shoppers", "online shoppers"),
    ];

    /// <summary>Segments the customers of a scoring run (a chosen number of segments, or picked by silhouette when null).</summary>
    public static SegmentationResult Segment(CustomerScores scores, SegmentationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var frame = scores.Features;
        var columns = frame.Spec.NumericColumns.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        double Column(int row, string name) => frame.Numeric[row][columns[name]];
        var values = new double[scores.Rows][];
        for (var r = 0; r < scores.Rows; r++)
        {
            values[r] =
            [
                Math.Max(0, scores.Value[r].Value),
                scores.ChurnProbability[r],
                Column(r, "recency_days"),
                Column(r, "purchases_365d"),
                Math.Max(0, Column(r, "spend_avg")),
                Column(r, "email_opens_90d"),
                Column(r, "web_events_90d") + Column(r, "app_events_90d"),
                Column(r, "store_share"),
            ];
        }
        return CustomerSegmentation.Run(new PersonFeatures(scores.PersonIds, Features, values), options, cancellationToken);
    }

    /// <summary>Replaces the rows of the segments table with one row per segmented customer, in one commit.</summary>
    public static async Task<long> PublishAsync(DuckDbEngine engine, DeltaTable table, SegmentationResult segmentation, DateTimeOffset scoredAt,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(segmentation);
        const string staging = "_cdp_ml_segments";
        const string definitions = "_cdp_ml_segment_definitions";
        await engine.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE {staging} (person_id BIGINT, segment INTEGER);
            CREATE OR REPLACE TEMP TABLE {definitions} (segment INTEGER, segment_name VARCHAR, segment_description VARCHAR,
                segment_size BIGINT, segment_share DOUBLE, segment_profile VARCHAR);
            """, cancellationToken).ConfigureAwait(false);
        var assignments = segmentation.Assignments;
        await engine.AppendAsync(staging, assignments.Count,
            [assignments.Select(a => a.PersonId).ToArray(), assignments.Select(a => a.Segment).ToArray()], cancellationToken).ConfigureAwait(false);
        var segments = segmentation.Segments;
        await engine.AppendAsync(definitions, segments.Count,
        [
            segments.Select(s => s.Number).ToArray(), segments.Select(s => (string?)s.Name).ToArray(), segments.Select(s => (string?)s.Description).ToArray(),
            segments.Select(s => (long)s.Size).ToArray(), segments.Select(s => s.Share).ToArray(), segments.Select(s => (string?)Profile(s)).ToArray(),
        ], cancellationToken).ConfigureAwait(false);
        var at = Sql.Literal(scoredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00");
        var result = await new DeltaWriter(engine).WriteAsync(table, $"""
            SELECT a.person_id, a.segment, d.segment_name, d.segment_description, d.segment_size, d.segment_share, d.segment_profile,
                   TIMESTAMPTZ {at} AS scored_at
            FROM {staging} AS a JOIN {definitions} AS d USING (segment)
            ORDER BY a.person_id
            """, WriteMode.Overwrite, new WriteOptions { OverwriteSchema = true }, cancellationToken).ConfigureAwait(false);
        await engine.ExecuteAsync($"DROP TABLE {staging}; DROP TABLE {definitions};", cancellationToken).ConfigureAwait(false);
        return result.Version;
    }

    /// <summary>The segment's centroid in original units (member medians) as JSON, for analysts and dashboards.</summary>
    private static string Profile(Segment segment)
        => JsonSerializer.Serialize(segment.Centroid.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)));
}
