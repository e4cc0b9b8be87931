namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>
/// Where a Mailchimp destination syncs to: one audience (list) <paramref name="ListId"/> holding the brand's contacts,
/// in which every CDP audience becomes a static segment (tag) of that name. The API key is read from the environment
/// variable <paramref name="ApiKeyVariable"/>; its suffix names the data centre (<c>...-us6</c> → us6.api.mailchimp.com).
/// <paramref name="Limits"/> may not exceed Mailchimp's: 500 members per call and 10 simultaneous connections.
/// </summary>
public sealed record MailchimpOptions(string Name, string ListId, string ApiKeyVariable, DestinationLimits Limits)
{
    /// <summary>Replaces the data centre's address (a local stand-in); paths go under it as <c>3.0/lists/...</c>.</summary>
    public Uri? BaseUri { get; init; }

    public MailchimpFieldMap FieldMap { get; init; } = new();
}

/// <summary>Which export columns feed which member fields.</summary>
public sealed record MailchimpFieldMap
{
    /// <summary>The export column holding the address: the member's key.</summary>
    public string EmailColumn { get; init; } = "email";

    /// <summary>
    /// Merge tag → export column. A tag whose column the sync does not export is not sent; a NULL value is sent as
    /// empty (the CDP is the source of these fields).
    /// </summary>
    public IReadOnlyDictionary<string, string> MergeFields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FNAME"] = "first_name",
        ["LNAME"] = "last_name",
    };

    /// <summary>
    /// Merge tag (a text field, created in the list when missing) holding the person id. With it a member can be found
    /// again without their address: a person who left the membership, or whose address changed, is taken out of the
    /// segment under the address Mailchimp holds. Null: removes need the address in the export, and a changed address
    /// leaves the old one in the segment.
    /// </summary>
    public string? PersonIdMergeField { get; init; } = "CDP_ID";
}
