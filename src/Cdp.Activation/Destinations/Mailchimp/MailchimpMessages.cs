using System.Globalization;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>One address of a batch and the records carrying it (people sharing an address are one member).</summary>
internal sealed record Contact(string Email, string Hash, List<SyncRecord> Records);

/// <summary>Where the address and each sent merge field sit in a batch's export columns.</summary>
internal sealed record ColumnMap(int Email, IReadOnlyList<(string Tag, int Column)> MergeFields)
{
    public static ColumnMap For(IReadOnlyList<string> columns, MailchimpOptions options)
    {
        var email = Index(columns, options.FieldMap.EmailColumn);
        if (email < 0) throw MailchimpErrors.NoEmailColumn(options.Name, options.FieldMap.EmailColumn, columns);
        var merge = options.FieldMap.MergeFields
            .Select(kv => (Tag: kv.Key, Column: Index(columns, kv.Value)))
            .Where(m => m.Column >= 0)
            .OrderBy(m => m.Tag, StringComparer.Ordinal)
            .ToList();
        return new ColumnMap(email, merge);
    }

    /// <summary>The batch's records grouped by address; records without a usable address are returned apart.</summary>
    public (List<Contact> Contacts, List<SyncRecord> NoEmail) Group(IReadOnlyList<SyncRecord> records)
    {
        var contacts = new Dictionary<string, Contact>(StringComparer.Ordinal);
        var order = new List<Contact>();
        var noEmail = new List<SyncRecord>();
        foreach (var r in records)
        {
            if (Usable(r.Fields[Email]) is not { } address)
            {
                noEmail.Add(r);
                continue;
            }
            var hash = MailchimpSubscriberHash.Of(address);
            if (!contacts.TryGetValue(hash, out var contact))
            {
                contact = new Contact(address, hash, []);
                contacts[hash] = contact;
                order.Add(contact);
            }
            contact.Records.Add(r);
        }
        return (order, noEmail);
    }

    /// <summary>
    /// The trimmed address, or null when it cannot be one: one '@' with text on both sides, a dot in the domain, no
    /// white space, at most 254 characters. Mailchimp judges the rest (and answers per member).
    /// </summary>
    internal static string? Usable(string? raw)
    {
        var e = raw?.Trim();
        if (string.IsNullOrEmpty(e) || e.Length > 254 || e.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return null;
        var at = e.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != e.LastIndexOf('@') || at == e.Length - 1) return null;
        var domain = e[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && domain[0] != '.' && domain[^1] != '.' ? e : null;
    }

    private static int Index(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}

/// <summary>What a batch subscribe answer says per member: refused (with Mailchimp's error code) or held with a status.</summary>
internal sealed record BatchSubscribeResult(IReadOnlyDictionary<string, string> Errors, IReadOnlyDictionary<string, string> Statuses);

/// <summary>The JSON Mailchimp is sent and answers with, by subscriber hash; error texts (which quote addresses) are never kept.</summary>
internal static class MailchimpMessages
{
    /// <summary>
    /// <c>{members: [{email_address, status_if_new: "subscribed", merge_fields}], update_existing: true}</c>. No
    /// <c>status</c>: an existing member keeps theirs (someone who unsubscribed stays unsubscribed); merge fields are
    /// updated. Repeating it changes nothing more.
    /// </summary>
    public static string BatchSubscribe(IReadOnlyList<Contact> contacts, ColumnMap columns, string? personIdTag) => Write(json =>
    {
        json.WriteStartArray("members");
        foreach (var c in contacts)
        {
            var record = c.Records[0];
            json.WriteStartObject();
            json.WriteString("email_address", c.Email);
            json.WriteString("status_if_new", "subscribed");
            json.WriteStartObject("merge_fields");
            foreach (var (tag, column) in columns.MergeFields) json.WriteString(tag, record.Fields[column] ?? "");
            if (personIdTag is not null) json.WriteString(personIdTag, record.PersonId.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteBoolean("update_existing", true);
    });

    public static string CreateSegment(string name) => Write(json =>
    {
        json.WriteString("name", name);
        json.WriteStartArray("static_segment");
        json.WriteEndArray();
    });

    public static string CreateMergeField(string tag) => Write(json =>
    {
        json.WriteString("name", "CDP person id");
        json.WriteString("tag", tag);
        json.WriteString("type", "text");
        json.WriteBoolean("public", false);
    });

    /// <summary><c>{members_to_add, members_to_remove}</c>: set operations, so repeating them changes nothing more.</summary>
    public static string UpdateSegment(IEnumerable<string> add, IEnumerable<string> remove) => Write(json =>
    {
        json.WriteStartArray("members_to_add");
        foreach (var e in add) json.WriteStringValue(e);
        json.WriteEndArray();
        json.WriteStartArray("members_to_remove");
        foreach (var e in remove) json.WriteStringValue(e);
        json.WriteEndArray();
    });

    /// <summary>The batch subscribe answer, or null when the body is not one.</summary>
    public static BatchSubscribeResult? ReadBatchSubscribe(JsonElement body)
    {
        var created = Items(body, "new_members");
        var updated = Items(body, "updated_members");
        var errors = Items(body, "errors");
        if (created is null && updated is null && errors is null) return null;
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in (created ?? []).Concat(updated ?? []))
        {
            if (Text(m, "email_address") is { } email) statuses[MailchimpSubscriberHash.Of(email)] = Text(m, "status") ?? "";
        }
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in errors ?? [])
        {
            if (Text(e, "email_address") is { Length: > 0 } email) refused[MailchimpSubscriberHash.Of(email)] = Text(e, "error_code") ?? "error";
        }
        return new BatchSubscribeResult(refused, statuses);
    }

    /// <summary>The hashes of the addresses a segment update refused, or null when the body is not its answer.</summary>
    public static HashSet<string>? ReadSegmentUpdate(JsonElement body)
    {
        var errors = Items(body, "errors");
        if (errors is null && Items(body, "members_added") is null && Items(body, "members_removed") is null) return null;
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in errors ?? [])
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("email_addresses", out var list) || list.ValueKind != JsonValueKind.Array) continue;
            foreach (var a in list.EnumerateArray())
            {
                if (a.ValueKind == JsonValueKind.String) refused.Add(MailchimpSubscriberHash.Of(a.GetString()!));
            }
        }
        return refused;
    }

    public static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<JsonElement>? Items(JsonElement body, string name)
        => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : null;

    private static string Write(Action<Utf8JsonWriter> body) => JsonText.Object(body);
}
