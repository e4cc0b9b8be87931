namespace Cdp.Ml.Features;

/// <summary>
/// The relations features and labels are computed from: the gold tables the profile models build, or any relation with
/// the same columns (a test's temp tables). Every timestamp column may be TIMESTAMP or TIMESTAMP WITH TIME ZONE.
/// </summary>
/// <param name="Purchases">One row per purchase: person_id, purchase_id, purchase_channel, purchased_at, amount_reporting (<c>gold.person_purchases</c>).</param>
/// <param name="PurchaseLines">One row per product line: person_id, purchase_id, purchased_at, sku, size, quantity, category, usage_days (<c>gold.person_purchase_lines</c>).</param>
/// <param name="Activity">One row per event: person_id, channel, activity_type, activity_at (<c>gold.person_activity</c>).</param>
/// <param name="Consents">The consent state per person: person_id, channel, purpose, granted (<c>gold.person_consents</c>); null when the lake has none.</param>
public sealed record FeatureSources(string Purchases, string PurchaseLines, string Activity, string? Consents)
{
    /// <summary>The gold tables of the profile models, registered as views named <c>gold.&lt;table&gt;</c>.</summary>
    public static FeatureSources Gold(bool withConsents = true)
        => new("gold.person_purchases", "gold.person_purchase_lines", "gold.person_activity", withConsents ? "gold.person_consents" : null);

    /// <summary>The relations by name, for reporting which table versions a model was trained on.</summary>
    public IEnumerable<string> Relations()
    {
        yield return Purchases;
        yield return PurchaseLines;
        yield return Activity;
        if (Consents is not null) yield return Consents;
    }
}
