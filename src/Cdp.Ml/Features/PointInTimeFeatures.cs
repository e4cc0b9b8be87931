using System.Globalization;
using Cdp.Engine;

namespace Cdp.Ml.Features;

/// <summary>
/// Feature and label queries as of a cutoff day. Features read only rows strictly before the cutoff's midnight (UTC):
/// every source is read once, in a step that filters on its timestamp, and every later step reads those steps only.
/// Labels read only the horizon after it. The population is the people with at least one purchase before the cutoff,
/// minus everyone who refused profiling (their current decision applies to their whole history).
/// </summary>
public static class PointInTimeFeatures
{
    /// <summary>
    /// One row per person: <c>person_id</c>, then <see cref="FeatureSpec.NumericColumns"/> (DOUBLE, NULL when not
    /// defined, e.g. no gap with one purchase), then <see cref="FeatureSpec.CategoricalColumns"/>.
    /// </summary>
    public static string Sql(FeatureSources sources, FeatureSpec spec, DateOnly cutoff)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(spec);
        var at = CutoffTimestamp(cutoff);
        var day = CutoffDay(cutoff);
        // In FeatureSpec.NumericColumns order: every share, then every days-since, then every due-days column.
        var slugs = spec.Categories.Select(FeatureSpec.Slug).ToList();
        var categoryColumns = string.Concat(
            slugs.Select(slug => $",\n       coalesce(categories.lines_{slug}, 0) / greatest(categories.lines, 1) AS share_{slug}")
                .Concat(slugs.Select(slug => $",\n       categories.days_since_{slug} AS days_since_{slug}"))
                .Concat(slugs.Select(slug => $",\n       replenish.due_days_{slug} AS due_days_{slug}")));
        var categoryAggregates = string.Concat(spec.Categories.Select(c =>
        {
            var slug = FeatureSpec.Slug(c);
            var category = Cdp.Engine.Sql.Literal(c);
            return $",\n        count(*) FILTER (WHERE category = {category})::DOUBLE AS lines_{slug}" +
                   $",\n        (epoch({at}) - epoch(max(ts) FILTER (WHERE category = {category}))) / 86400.0 AS days_since_{slug}";
        }));
        var dueAggregates = string.Concat(spec.Categories.Select(c =>
        {
            var slug = FeatureSpec.Slug(c);
            var category = Cdp.Engine.Sql.Literal(c);
            return $",\n        min(days_to_due) FILTER (WHERE category = {category} AND days_to_due >= -30)::DOUBLE AS due_days_{slug}";
        }));
        var consented = "SELECT DISTINCT person_id FROM purchases " + ConsentedFilter(sources, "WHERE");
        return $"""
            WITH purchases AS (
                SELECT person_id, purchase_id, purchase_channel, CAST(purchased_at AS TIMESTAMPTZ) AS ts, CAST(amount_reporting AS DOUBLE) AS amount
                FROM {sources.Purchases}
                WHERE CAST(purchased_at AS TIMESTAMPTZ) < {at}
            ),
            lines AS (
                SELECT person_id, purchase_id, CAST(purchased_at AS TIMESTAMPTZ) AS ts, sku, size, CAST(quantity AS DOUBLE) AS quantity, category, usage_days
                FROM {sources.PurchaseLines}
                WHERE CAST(purchased_at AS TIMESTAMPTZ) < {at}
            ),
            activity AS (
                SELECT person_id, channel, activity_type, CAST(activity_at AS TIMESTAMPTZ) AS ts
                FROM {sources.Activity}
                WHERE CAST(activity_at AS TIMESTAMPTZ) < {at}
            ),
            population AS (
                {consented}
            ),
            purchase_days AS (
                SELECT person_id, CAST(timezone('UTC', ts) AS DATE) AS day FROM purchases GROUP BY ALL
            ),
            gaps AS (
                SELECT person_id, day - lag(day) OVER (PARTITION BY person_id ORDER BY day) AS gap,
                       row_number() OVER (PARTITION BY person_id ORDER BY day DESC) AS from_last
                FROM purchase_days
            ),
            gap_stats AS (
                SELECT person_id, avg(gap)::DOUBLE AS gap_mean_days, stddev_samp(gap)::DOUBLE AS gap_std_days,
                       (max(gap) FILTER (WHERE from_last = 1))::DOUBLE AS gap_last_days
                FROM gaps WHERE gap IS NOT NULL GROUP BY person_id
            ),
            purchase_stats AS (
                SELECT person_id,
                       (epoch({at}) - epoch(max(ts))) / 86400.0 AS recency_days,
                       (epoch({at}) - epoch(min(ts))) / 86400.0 AS tenure_days,
                       count(*)::DOUBLE AS purchases,
                       count(*) FILTER (WHERE ts >= {at} - INTERVAL 90 DAY)::DOUBLE AS purchases_90d,
                       count(*) FILTER (WHERE ts >= {at} - INTERVAL 365 DAY)::DOUBLE AS purchases_365d,
                       coalesce(sum(amount), 0) AS spend_total,
                       coalesce(avg(amount), 0) AS spend_avg,
                       coalesce(sum(amount) FILTER (WHERE ts >= {at} - INTERVAL 365 DAY), 0) AS spend_365d,
                       count(*) FILTER (WHERE purchase_channel = 'store')::DOUBLE / count(*) AS store_share,
                       CASE WHEN count(*) FILTER (WHERE purchase_channel = 'store') > count(*) FILTER (WHERE purchase_channel <> 'store') THEN 'store'
                            WHEN count(*) FILTER (WHERE purchase_channel = 'store') < count(*) FILTER (WHERE purchase_channel <> 'store') THEN 'eshop'
                            ELSE 'both' END AS preferred_channel
                FROM purchases GROUP BY person_id
            ),
            categories AS (
                SELECT person_id, count(*)::DOUBLE AS lines, count(DISTINCT (sku, size))::DOUBLE AS distinct_products,
                       count(DISTINCT category)::DOUBLE AS distinct_categories{categoryAggregates}
                FROM lines GROUP BY person_id
            ),
            product_last AS (
                -- The last day each product was bought, with the quantity bought that day.
                SELECT person_id, sku, size, any_value(category) AS category, any_value(usage_days) AS usage_days,
                       CAST(timezone('UTC', ts) AS DATE) AS day, sum(quantity) AS quantity
                FROM lines WHERE usage_days IS NOT NULL AND quantity > 0
                GROUP BY person_id, sku, size, CAST(timezone('UTC', ts) AS DATE)
                QUALIFY row_number() OVER (PARTITION BY person_id, sku, size ORDER BY day DESC) = 1
            ),
            product_due AS (
                SELECT person_id, category,
                       (day + CAST(round(usage_days * quantity) AS INTEGER)) - {day} AS days_to_due
                FROM product_last
            ),
            replenish AS (
                SELECT person_id, count(*)::DOUBLE AS replenish_products,
                       min(days_to_due) FILTER (WHERE days_to_due >= 0)::DOUBLE AS replenish_next_due_days,
                       count(*) FILTER (WHERE days_to_due < 0)::DOUBLE AS replenish_overdue_products,
                       count(*) FILTER (WHERE days_to_due BETWEEN 0 AND 30)::DOUBLE AS replenish_due_30d,
                       count(*) FILTER (WHERE days_to_due BETWEEN 0 AND 90)::DOUBLE AS replenish_due_90d{dueAggregates}
                FROM product_due GROUP BY person_id
            ),
            engagement AS (
                SELECT person_id,
                       count(*) FILTER (WHERE channel = 'web' AND ts >= {at} - INTERVAL 30 DAY)::DOUBLE AS web_events_30d,
                       count(*) FILTER (WHERE channel = 'web' AND ts >= {at} - INTERVAL 90 DAY)::DOUBLE AS web_events_90d,
                       count(*) FILTER (WHERE channel = 'app' AND ts >= {at} - INTERVAL 30 DAY)::DOUBLE AS app_events_30d,
                       count(*) FILTER (WHERE channel = 'app' AND ts >= {at} - INTERVAL 90 DAY)::DOUBLE AS app_events_90d,
                       (epoch({at}) - epoch(max(ts) FILTER (WHERE channel IN ('web', 'app')))) / 86400.0 AS days_since_visit,
                       count(*) FILTER (WHERE activity_type = 'add_to_cart' AND ts >= {at} - INTERVAL 30 DAY)::DOUBLE AS cart_adds_30d,
                       (epoch({at}) - epoch(max(ts) FILTER (WHERE activity_type = 'add_to_cart'))) / 86400.0 AS days_since_cart_add,
                       count(*) FILTER (WHERE activity_type = 'email_open' AND ts >= {at} - INTERVAL 90 DAY)::DOUBLE AS email_opens_90d,
                       count(*) FILTER (WHERE activity_type = 'email_click' AND ts >= {at} - INTERVAL 90 DAY)::DOUBLE AS email_clicks_90d,
                       (epoch({at}) - epoch(max(ts) FILTER (WHERE activity_type = 'email_open'))) / 86400.0 AS days_since_email_open
                FROM activity GROUP BY person_id
            )
            SELECT population.person_id,
                   p.recency_days, p.tenure_days, p.purchases, p.purchases_90d, p.purchases_365d,
                   p.spend_total, p.spend_avg, p.spend_365d,
                   g.gap_mean_days, g.gap_std_days, g.gap_last_days, p.recency_days / nullif(g.gap_mean_days, 0) AS recency_over_gap,
                   p.store_share, coalesce(categories.distinct_products, 0) AS distinct_products, coalesce(categories.distinct_categories, 0) AS distinct_categories,
                   coalesce(e.web_events_30d, 0) AS web_events_30d, coalesce(e.web_events_90d, 0) AS web_events_90d,
                   coalesce(e.app_events_30d, 0) AS app_events_30d, coalesce(e.app_events_90d, 0) AS app_events_90d, e.days_since_visit,
                   coalesce(e.cart_adds_30d, 0) AS cart_adds_30d, e.days_since_cart_add,
                   coalesce(e.email_opens_90d, 0) AS email_opens_90d, coalesce(e.email_clicks_90d, 0) AS email_clicks_90d, e.days_since_email_open,
                   coalesce(replenish.replenish_products, 0) AS replenish_products, replenish.replenish_next_due_days,
                   coalesce(replenish.replenish_overdue_products, 0) AS replenish_overdue_products,
                   coalesce(replenish.replenish_due_30d, 0) AS replenish_due_30d, coalesce(replenish.replenish_due_90d, 0) AS replenish_due_90d{categoryColumns},
                   p.preferred_channel
            FROM population
            JOIN purchase_stats AS p ON p.person_id = population.person_id
            LEFT JOIN gap_stats AS g ON g.person_id = population.person_id
            LEFT JOIN categories ON categories.person_id = population.person_id
            LEFT JOIN replenish ON replenish.person_id = population.person_id
            LEFT JOIN engagement AS e ON e.person_id = population.person_id
            ORDER BY population.person_id
            """;
    }

    /// <summary>
    /// One row per person with a purchase before the cutoff: <c>person_id</c> and <c>label</c> (BOOLEAN) for what
    /// happens in [cutoff, cutoff + horizon). Reads only that window.
    /// </summary>
    public static string LabelSql(FeatureSources sources, PredictionTarget target, DateOnly cutoff)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(target);
        var start = CutoffTimestamp(cutoff);
        var end = CutoffTimestamp(cutoff.AddDays(target.HorizonDays));
        var future = target.Category is null
            ? $"""
              SELECT DISTINCT person_id FROM {sources.Purchases}
              WHERE CAST(purchased_at AS TIMESTAMPTZ) >= {start} AND CAST(purchased_at AS TIMESTAMPTZ) < {end}
              """
            : $"""
              SELECT DISTINCT person_id FROM {sources.PurchaseLines}
              WHERE CAST(purchased_at AS TIMESTAMPTZ) >= {start} AND CAST(purchased_at AS TIMESTAMPTZ) < {end}
                AND category = {Cdp.Engine.Sql.Literal(target.Category)}
              """;
        var label = target.Kind == TargetKind.Churn ? "future.person_id IS NULL" : "future.person_id IS NOT NULL";
        return $"""
            SELECT known.person_id, {label} AS label
            FROM (SELECT DISTINCT person_id FROM {sources.Purchases} WHERE CAST(purchased_at AS TIMESTAMPTZ) < {start}) AS known
            LEFT JOIN ({future}) AS future ON future.person_id = known.person_id
            """;
    }

    /// <summary>
    /// A condition on <c>person_id</c> that leaves out everyone who refused profiling on any channel, after
    /// <paramref name="keyword"/> (WHERE or AND); empty when the sources have no consents.
    /// </summary>
    public static string ConsentedFilter(FeatureSources sources, string keyword)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return sources.Consents is null
            ? ""
            : $"{keyword} person_id NOT IN (SELECT person_id FROM {sources.Consents} WHERE purpose = 'profiling' AND NOT granted AND person_id IS NOT NULL)";
    }

    /// <summary>The cutoff's midnight in UTC as a SQL literal.</summary>
    public static string CutoffTimestamp(DateOnly cutoff)
        => "TIMESTAMPTZ " + Cdp.Engine.Sql.Literal(cutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00");

    private static string CutoffDay(DateOnly cutoff)
        => "DATE " + Cdp.Engine.Sql.Literal(cutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}
