namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>The Mailchimp destination's user-facing errors, in one place. None of them carries the API key or an address.</summary>
internal static class MailchimpErrors
{
    public static InvalidOperationException MissingKey(string destination, string variable)
        => new($"Mailchimp destination '{destination}': the environment variable {variable} holding its API key is not set. " +
               "Set it to an API key of the Mailchimp account (Profile > Extras > API keys); a key ends in its data centre, such as -us6.");

    public static InvalidOperationException KeyWithoutDataCentre(string destination, string variable)
        => new($"Mailchimp destination '{destination}': the API key in {variable} does not end in a data centre such as '-us6', " +
               "so the API address cannot be derived from it. Copy the whole key from Mailchimp, suffix included.");

    public static ArgumentException MissingListId(string destination)
        => new($"Mailchimp destination '{destination}': no list id was given. Use the audience id from Mailchimp (Audience > Settings > Audience name and defaults).",
            "options");

    public static ArgumentException LimitAbovePlatform(string destination, string limit, int value, int platform)
        => new($"Mailchimp destination '{destination}': {limit} is {value}, but Mailchimp allows at most {platform}. Lower it to {platform} or less.", "options");

    public static ArgumentException BadMergeTag(string destination, string tag)
        => new($"Mailchimp destination '{destination}': '{tag}' is not a merge tag. Tags are 1 to 10 upper-case letters, digits or underscores, such as FNAME.",
            "options");

    public static InvalidOperationException NoEmailColumn(string destination, string column, IReadOnlyList<string> columns)
        => new($"Mailchimp destination '{destination}': the sync exports ({string.Join(", ", columns)}) but not '{column}', the column holding the address. " +
               "Add it to the export columns or set FieldMap.EmailColumn to the column that holds it.");
}
