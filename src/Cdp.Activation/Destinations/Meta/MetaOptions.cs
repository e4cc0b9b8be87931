namespace Cdp.Activation.Destinations.Meta;

/// <summary>
/// A Meta (Facebook) ad account that receives customer-list Custom Audiences.
/// </summary>
/// <param name="Name">The destination's name, as recorded in the ledger.</param>
/// <param name="BaseUri">The Graph API root, <c>https://graph.facebook.com/</c> in production.</param>
/// <param name="ApiVersion">The Graph API version the calls name, <c>v25.0</c> or <c>25.0</c>.</param>
/// <param name="AdAccountId">The ad account, with or without its <c>act_</c> prefix.</param>
/// <param name="TokenVariable">The environment variable holding the access token (a system-user token with ads_management).</param>
/// <param name="Limits">At most <see cref="MaxRowsPerRequest"/> records per batch.</param>
public sealed record MetaOptions(string Name, Uri BaseUri, string ApiVersion, string AdAccountId, string TokenVariable, DestinationLimits Limits)
{
    /// <summary>Meta takes at most this many rows in one request.</summary>
    public const int MaxRowsPerRequest = 10_000;

    /// <summary>The column whose value comes from the record's person id rather than an export field.</summary>
    public const string PersonIdColumn = "person_id";

    /// <summary>
    /// The conventional map: EMAIL ← email, PHONE ← phone, FN ← first_name, LN ← last_name, COUNTRY ← country,
    /// ZIP ← postcode, CT ← city. EXTERN_ID ← person_id is not in it: add it to let removals reach people who left the
    /// membership (their export fields are gone by then), at the price of sending Meta the lake's person id.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultFieldMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EMAIL"] = "email",
        ["PHONE"] = "phone",
        ["FN"] = "first_name",
        ["LN"] = "last_name",
        ["COUNTRY"] = "country",
        ["ZIP"] = "postcode",
        ["CT"] = "city",
    };

    /// <summary>
    /// Meta key → the export column it is read from (<see cref="PersonIdColumn"/> reads the record's person id). Keys
    /// whose column is not among a batch's columns are left out of its schema.
    /// </summary>
    public IReadOnlyDictionary<string, string> FieldMap { get; init; } = DefaultFieldMap;

    /// <summary>How the customer data was collected, declared when an audience is created.</summary>
    public string CustomerFileSource { get; init; } = "USER_PROVIDED_ONLY";

    /// <summary>The export columns a sync to this destination needs: the map's columns, person_id excepted.</summary>
    public IReadOnlyList<string> ExportColumns
        => FieldMap.OrderBy(kv => IndexOf(kv.Key)).Select(kv => kv.Value)
            .Where(c => !string.Equals(c, PersonIdColumn, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static int IndexOf(string key)
    {
        var i = MetaNormalization.Keys.ToList().IndexOf(key);
        return i < 0 ? int.MaxValue : i;
    }
}
