using System.Text;

namespace Cdp.Ml.Features;

/// <summary>
/// The columns of a feature table. Most are fixed; the category mix and per-category replenishment columns depend on
/// the catalogue's categories, so a model stores its spec and scoring computes exactly the columns it was trained on.
/// </summary>
public sealed record FeatureSpec
{
    /// <summary>Fixed numeric features, in column order. Day counts are fractional days before the cutoff.</summary>
    public static readonly IReadOnlyList<string> FixedNumeric =
    [
        "recency_days", "tenure_days", "purchases", "purchases_90d", "purchases_365d",
        "spend_total", "spend_avg", "spend_365d", "gap_mean_days", "gap_std_days", "gap_last_days", "recency_over_gap",
        "store_share", "distinct_products", "distinct_categories",
        "web_events_30d", "web_events_90d", "app_events_30d", "app_events_90d", "days_since_visit",
        "cart_adds_30d", "days_since_cart_add",
        "email_opens_90d", "email_clicks_90d", "days_since_email_open",
        "replenish_products", "replenish_next_due_days", "replenish_overdue_products", "replenish_due_30d", "replenish_due_90d",
    ];

    public static readonly IReadOnlyList<string> Categorical = ["preferred_channel"];

    public FeatureSpec(IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var slugs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var category in categories)
        {
            var slug = Slug(category);
            if (!slugs.TryAdd(slug, category))
                throw new ArgumentException($"Categories '{slugs[slug]}' and '{category}' give the same feature name '{slug}'; rename one in the catalogue.", nameof(categories));
        }
        Categories = [.. categories];
        NumericColumns =
        [
            .. FixedNumeric,
            .. Categories.Select(c => "share_" + Slug(c)),
            .. Categories.Select(c => "days_since_" + Slug(c)),
            .. Categories.Select(c => "due_days_" + Slug(c)),
        ];
    }

    /// <summary>The product categories, in the order their columns appear.</summary>
    public IReadOnlyList<string> Categories { get; }

    public IReadOnlyList<string> NumericColumns { get; }

    public IReadOnlyList<string> CategoricalColumns => Categorical;

    public bool Equals(FeatureSpec? other) => other is not null && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal);

    public override int GetHashCode() => Categories.Aggregate(17, (h, c) => h * 31 + StringComparer.Ordinal.GetHashCode(c));

    /// <summary>
    /// The spec a model was trained on, from its numeric feature columns: the categories come from its <c>share_</c>
    /// columns, named as in <paramref name="knownCategories"/> (today's catalogue) when a category there has the same
    /// slug, else by the slug itself. Columns that no spec produces are an <see cref="ArgumentException"/> naming them.
    /// </summary>
    public static FeatureSpec FromColumns(IReadOnlyList<string> numericColumns, IEnumerable<string> knownCategories)
    {
        ArgumentNullException.ThrowIfNull(numericColumns);
        var bySlug = knownCategories.GroupBy(Slug).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var categories = numericColumns.Where(c => c.StartsWith("share_", StringComparison.Ordinal))
            .Select(c => c["share_".Length..])
            .Select(slug => bySlug.GetValueOrDefault(slug, slug))
            .ToList();
        var spec = new FeatureSpec(categories);
        if (!spec.NumericColumns.SequenceEqual(numericColumns, StringComparer.Ordinal))
        {
            var unknown = numericColumns.Except(spec.NumericColumns, StringComparer.Ordinal).ToList();
            throw new ArgumentException(unknown.Count > 0
                ? $"The model expects feature columns this version does not compute: {string.Join(", ", unknown)}. Retrain it."
                : "The model's feature columns are not in the order this version computes them. Retrain it.", nameof(numericColumns));
        }
        return spec;
    }

    /// <summary>A category as part of a column name: lower case, anything but letters and digits as an underscore.</summary>
    public static string Slug(string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        var text = new StringBuilder(category.Length);
        foreach (var c in category.Trim().ToLowerInvariant())
            text.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return text.ToString();
    }
}
