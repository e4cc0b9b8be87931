using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Sandbox;

/// <summary>A list member as the stand-in holds it: the address as last sent, its status and merge fields (tag → value).</summary>
public sealed record MailchimpMemberState(string EmailAddress, string Status, IReadOnlyDictionary<string, string> MergeFields);

/// <summary>
/// A Mailchimp Marketing API 3.0 stand-in for one audience (list), enforcing the public contract and keeping the state
/// Mailchimp keeps: list members by subscriber hash (MD5 of the lowercased address) with status and merge fields, static
/// segments with their members, and merge fields. Endpoints, all under <c>/3.0/lists/{list_id}</c>:
/// <list type="bullet">
/// <item><c>POST</c> (batch subscribe): <c>{members: [{email_address, status?, status_if_new?, merge_fields?}], update_existing}</c>,
/// at most 500 members (else 400). Answers 200 with <c>new_members</c>, <c>updated_members</c>, <c>errors [{email_address,
/// error, error_code}]</c>, <c>total_created</c>, <c>total_updated</c>, <c>error_count</c>. An existing member changes
/// status only when <c>status</c> is sent with <c>update_existing</c>; <c>status_if_new</c> only applies to new members.</item>
/// <item><c>GET segments?type=static&amp;count&amp;offset</c>, <c>POST segments</c> <c>{name, static_segment: []}</c>.</item>
/// <item><c>POST segments/{id}</c> <c>{members_to_add, members_to_remove}</c>, at most 500 each: addresses not on the list
/// are ignored on removal and refused on addition, as are members who are not subscribed (unsubscribed, cleaned, pending).</item>
/// <item><c>GET segments/{id}/members?count&amp;offset</c> (in the order they were added), <c>GET</c>/<c>POST merge-fields</c>.</item>
/// </list>
/// Authentication is HTTP Basic with any user name and the API key as password (401 otherwise). At most
/// <see cref="MaxConnections"/> requests are served at once; the next meanwhile gets 429, and so do requests past the
/// rate limit and injected throttling, all without rate headers or Retry-After (Mailchimp sends none). Lists default to
/// count 10, at most 1000. Errors are problem documents <c>{type, title, status, detail, instance}</c>.
/// </summary>
public sealed class MailchimpContractServer : ContractServer
{
    public const int MaxMembersPerCall = 500;
    public const int MaxConnections = 10;

    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal) { "subscribed", "unsubscribed", "cleaned", "pending", "transactional" };

    private readonly string _apiKey;
    private readonly Dictionary<string, ListMember> _members = new(StringComparer.Ordinal);
    private readonly List<Segment> _segments = [];
    private readonly List<MergeField> _mergeFields =
    [
        new(1, "FNAME", "First Name", "text"), new(2, "LNAME", "Last Name", "text"), new(3, "ADDRESS", "Address", "address"),
        new(4, "PHONE", "Phone Number", "phone"), new(5, "BIRTHDAY", "Birthday", "birthday"),
    ];
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private long _nextSegmentId = 10_001;
    private long _sequence;

    /// <param name="apiKey">The key requests must carry as the Basic password.</param>
    /// <param name="listId">The one audience this server holds; other list ids are 404.</param>
    public MailchimpContractServer(string apiKey, string listId, int rateLimit = 1000, int seed = 1) : base(rateLimit, seed)
    {
        _apiKey = apiKey;
        ListId = listId;
    }

    public string ListId { get; }

    /// <summary>Every answer is held back this long (Mailchimp takes its time over a batch of 500).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, batch subscribe calls are applied and then answered 200 with a body that is not the expected JSON.</summary>
    public bool GarbleBatchAnswers { get; set; }

    /// <summary>Lowercased addresses that appeared in any call, ever (applied or not).</summary>
    public HashSet<string> EverReceived { get; } = new(StringComparer.Ordinal);

    /// <summary>Lowercased addresses that appeared in a batch subscribe or segment call since the counters were reset.</summary>
    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    /// <summary>Static segments created, per name, since the counters were reset.</summary>
    public Dictionary<string, int> SegmentsCreated { get; } = new(StringComparer.Ordinal);

    public int BatchCalls { get; private set; }

    public int SegmentCalls { get; private set; }

    public int MembersCreated { get; private set; }

    public int MembersUpdated { get; private set; }

    /// <summary>Existing members upserted with nothing to change.</summary>
    public int RedundantUpserts { get; private set; }

    /// <summary>Status changes of existing members (the batch sent <c>status</c> with <c>update_existing</c>).</summary>
    public int StatusChanges { get; private set; }

    /// <summary>Unsubscribed or cleaned members moved back to subscribed or pending: consent Mailchimp holds, overridden.</summary>
    public int Resubscriptions { get; private set; }

    public int SegmentAdds { get; private set; }

    /// <summary>Additions of addresses already in the segment.</summary>
    public int RedundantSegmentAdds { get; private set; }

    /// <summary>Additions refused: not on the list, or not subscribed.</summary>
    public int RefusedSegmentAdds { get; private set; }

    public int SegmentRemoves { get; private set; }

    /// <summary>Removals of addresses not in the segment.</summary>
    public int RedundantSegmentRemoves { get; private set; }

    /// <summary>Addresses sent twice in one batch subscribe call.</summary>
    public int DuplicateEmails { get; private set; }

    /// <summary>Calls refused for carrying more than <see cref="MaxMembersPerCall"/> members or addresses.</summary>
    public int OversizedCalls { get; private set; }

    /// <summary>Merge tags sent that the list does not have (Mailchimp drops them).</summary>
    public int UnknownMergeTags { get; private set; }

    public int BadKeys { get; private set; }

    protected override int? MaxInFlight => MaxConnections;

    protected override void OnResetCounters()
    {
        Touched.Clear();
        SegmentsCreated.Clear();
        BatchCalls = SegmentCalls = MembersCreated = MembersUpdated = RedundantUpserts = StatusChanges = Resubscriptions = 0;
        SegmentAdds = RedundantSegmentAdds = RefusedSegmentAdds = SegmentRemoves = RedundantSegmentRemoves = 0;
        DuplicateEmails = OversizedCalls = UnknownMergeTags = BadKeys = 0;
    }

    /// <summary>Puts a contact on the list before any sync, such as one who unsubscribed in Mailchimp.</summary>
    public void SeedMember(string email, string status, IReadOnlyDictionary<string, string>? mergeFields = null)
    {
        if (!Statuses.Contains(status)) throw new ArgumentException($"'{status}' is not a Mailchimp member status.", nameof(status));
        lock (Gate) _members[Hash(email)] = new ListMember(email.Trim(), status, new Dictionary<string, string>(mergeFields ?? new Dictionary<string, string>(), StringComparer.Ordinal));
    }

    /// <summary>Makes the platform refuse an address in batch subscribe calls (<c>ERROR_GENERIC</c>, as for an address it finds fake).</summary>
    public void RefuseEmail(string email)
    {
        lock (Gate) _refused.Add(Hash(email));
    }

    /// <summary>The member with this address (any case), or null.</summary>
    public MailchimpMemberState? Member(string email)
    {
        lock (Gate) return _members.TryGetValue(Hash(email), out var m) ? m.State() : null;
    }

    /// <summary>Every list member, by lowercased address.</summary>
    public Dictionary<string, MailchimpMemberState> ListMembers()
    {
        lock (Gate) return _members.Values.ToDictionary(m => m.EmailAddress.ToLowerInvariant(), m => m.State(), StringComparer.Ordinal);
    }

    /// <summary>How many static segments carry this name.</summary>
    public int SegmentCount(string name)
    {
        lock (Gate) return _segments.Count(s => s.Name == name);
    }

    /// <summary>The lowercased addresses in the one segment with this name (fails when there is none or several).</summary>
    public HashSet<string> SegmentEmails(string name)
    {
        lock (Gate)
        {
            var segment = _segments.Single(s => s.Name == name);
            return segment.Members.Keys.Select(h => _members[h].EmailAddress.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The subscriber hash: lowercase hex MD5 of the trimmed, lowercased address.</summary>
    public static string Hash(string email) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    protected override ContractResponse RateLimited() => Problem(429, "Too Many Requests", "You have exceeded the limit of API requests.");

    protected override ContractResponse Throttled(int retryAfterSeconds) => RateLimited();

    protected override ContractResponse TooManyInFlight() => Problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.");

    protected override ContractResponse ServerError() => new(500, "<html><body>Internal Server Error</body></html>");

    protected override ContractResponse? Authenticate(ContractRequest request)
    {
        var header = request.Header("Authorization");
        string? password = null;
        if (header is not null && header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0) password = pair[(colon + 1)..];
            }
            catch (FormatException)
            {
            }
        }
        if (password == _apiKey) return null;
        BadKeys++;
        return Problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    }

    protected override ContractResponse Handle(ContractRequest request)
    {
        var answer = Route(request);
        return Latency > TimeSpan.Zero && answer.Delay < Latency ? answer with { Delay = Latency } : answer;
    }

    private ContractResponse Route(ContractRequest request)
    {
        var parts = request.Path.Trim('/').Split('/');
        if (parts.Length < 3 || parts[0] != "3.0" || parts[1] != "lists") return NotFound();
        if (parts[2] != ListId) return NotFound();
        return (request.Method, parts.Length, parts.Length > 3 ? parts[3] : null) switch
        {
            ("POST", 3, _) => BatchSubscribe(request),
            ("GET", 4, "segments") => ListSegments(request),
            ("POST", 4, "segments") => CreateSegment(request),
            ("POST", 5, "segments") => FindSegment(parts[4]) is { } s ? UpdateSegment(s, request) : NotFound(),
            ("GET", 6, "segments") when parts[5] == "members" => FindSegment(parts[4]) is { } s ? SegmentMembers(s, request) : NotFound(),
            ("GET", 4, "merge-fields") => ListMergeFields(request),
            ("POST", 4, "merge-fields") => CreateMergeField(request),
            (_, _, null or "segments" or "merge-fields") => Problem(405, "Method Not Allowed", "The requested method and resource are not compatible."),
            _ => NotFound(),
        };
    }

    private ContractResponse BatchSubscribe(ContractRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var root = doc.RootElement;
        if (!root.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
            return InvalidResource("Schema describes array, but members is missing or not an array.");
        if (members.GetArrayLength() > MaxMembersPerCall)
        {
            OversizedCalls++;
            return InvalidResource($"Up to {MaxMembersPerCall} members may be added or updated with each call.");
        }
        var updateExisting = root.TryGetProperty("update_existing", out var u) && u.ValueKind == JsonValueKind.True;
        BatchCalls++;

        var created = new List<ListMember>();
        var updated = new List<ListMember>();
        var errors = new List<(string Email, string Error, string Code)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in members.EnumerateArray())
        {
            var email = Text(m, "email_address");
            if (string.IsNullOrWhiteSpace(email))
            {
                errors.Add(("", "An email address must be provided.", "ERROR_GENERIC"));
                continue;
            }
            var hash = Hash(email);
            Touched.Add(email.Trim().ToLowerInvariant());
            EverReceived.Add(email.Trim().ToLowerInvariant());
            if (!seen.Add(hash))
            {
                DuplicateEmails++;
                errors.Add((email, $"{email} was sent twice in this request.", "ERROR_GENERIC"));
                continue;
            }
            if (!LooksValid(email) || _refused.Contains(hash))
            {
                errors.Add((email, $"{email} looks fake or invalid, please enter a real email address.", "ERROR_GENERIC"));
                continue;
            }
            var status = Text(m, "status");
            var statusIfNew = Text(m, "status_if_new");
            if ((status is not null && !Statuses.Contains(status)) || (statusIfNew is not null && !Statuses.Contains(statusIfNew)))
            {
                errors.Add((email, "Invalid status.", "ERROR_GENERIC"));
                continue;
            }
            var merge = MergeFieldsOf(m);
            if (_members.TryGetValue(hash, out var existing))
            {
                if (!updateExisting)
                {
                    errors.Add((email, $"{email} is already a list member. Use PUT to insert or update list members.", "ERROR_CONTACT_EXISTS"));
                    continue;
                }
                var changed = Apply(existing, status, merge);
                if (changed) MembersUpdated++;
                else RedundantUpserts++;
                updated.Add(existing);
                continue;
            }
            if ((status ?? statusIfNew) is not { } initial)
            {
                errors.Add((email, "Status is required for a new member.", "ERROR_GENERIC"));
                continue;
            }
            var member = new ListMember(email.Trim(), initial, merge);
            _members[hash] = member;
            MembersCreated++;
            created.Add(member);
        }

        if (GarbleBatchAnswers) return new ContractResponse(200, """{"ok":true,"note":"not a batch answer"}""");
        return ContractResponse.Json(200, Write(json =>
        {
            WriteMembers(json, "new_members", created);
            WriteMembers(json, "updated_members", updated);
            json.WriteStartArray("errors");
            foreach (var (email, error, code) in errors)
            {
                json.WriteStartObject();
                json.WriteString("email_address", email);
                json.WriteString("error", error);
                json.WriteString("error_code", code);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("total_created", created.Count);
            json.WriteNumber("total_updated", updated.Count);
            json.WriteNumber("error_count", errors.Count);
        }));
    }

    private bool Apply(ListMember existing, string? status, Dictionary<string, string> merge)
    {
        var changed = false;
        if (status is not null && status != existing.Status)
        {
            StatusChanges++;
            if (existing.Status is "unsubscribed" or "cleaned" && status is "subscribed" or "pending") Resubscriptions++;
            existing.Status = status;
            changed = true;
        }
        foreach (var (tag, value) in merge)
        {
            if (existing.MergeFields.TryGetValue(tag, out var held) && held == value) continue;
            existing.MergeFields[tag] = value;
            changed = true;
        }
        return changed;
    }

    private Dictionary<string, string> MergeFieldsOf(JsonElement member)
    {
        var merge = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!member.TryGetProperty("merge_fields", out var fields) || fields.ValueKind != JsonValueKind.Object) return merge;
        foreach (var p in fields.EnumerateObject())
        {
            var tag = p.Name.ToUpperInvariant();
            if (!_mergeFields.Any(f => f.Tag == tag))
            {
                UnknownMergeTags++;
                continue;
            }
            merge[tag] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return merge;
    }

    private ContractResponse ListSegments(ContractRequest request)
    {
        if (request.Query.TryGetValue("type", out var type) && type != "static") return Page<Segment>(request, "segments", [], (_, _) => { });
        return Page(request, "segments", _segments, (json, s) =>
        {
            json.WriteNumber("id", s.Id);
            json.WriteString("name", s.Name);
            json.WriteNumber("member_count", s.Members.Count);
            json.WriteString("type", "static");
            json.WriteString("list_id", ListId);
        });
    }

    private ContractResponse CreateSegment(ContractRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var name = Text(doc.RootElement, "name");
        if (string.IsNullOrEmpty(name)) return InvalidResource("The segment needs a name.");
        if (!doc.RootElement.TryGetProperty("static_segment", out var initial) || initial.ValueKind != JsonValueKind.Array)
            return InvalidResource("A segment needs either static_segment or options; this stand-in only holds static segments.");
        var segment = new Segment(_nextSegmentId++, name);
        _segments.Add(segment);
        SegmentsCreated[name] = SegmentsCreated.GetValueOrDefault(name) + 1;
        foreach (var e in initial.EnumerateArray())
        {
            if (e.GetString() is { } email && _members.TryGetValue(Hash(email), out var m) && m.Status == "subscribed") segment.Members.TryAdd(Hash(email), ++_sequence);
        }
        return ContractResponse.Json(200, Write(json =>
        {
            json.WriteNumber("id", segment.Id);
            json.WriteString("name", segment.Name);
            json.WriteNumber("member_count", segment.Members.Count);
            json.WriteString("type", "static");
            json.WriteString("list_id", ListId);
        }));
    }

    private ContractResponse UpdateSegment(Segment segment, ContractRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var toAdd = Emails(doc.RootElement, "members_to_add");
        var toRemove = Emails(doc.RootElement, "members_to_remove");
        if (toAdd.Count > MaxMembersPerCall || toRemove.Count > MaxMembersPerCall)
        {
            OversizedCalls++;
            return InvalidResource($"Up to {MaxMembersPerCall} addresses may be added and {MaxMembersPerCall} removed with each call.");
        }
        SegmentCalls++;
        var removed = new List<ListMember>();
        foreach (var email in toRemove)
        {
            Note(email);
            var hash = Hash(email);
            if (segment.Members.Remove(hash))
            {
                SegmentRemoves++;
                removed.Add(_members[hash]);
            }
            else RedundantSegmentRemoves++;
        }
        var added = new List<ListMember>();
        var notOnList = new List<string>();
        var notSubscribed = new List<string>();
        foreach (var email in toAdd)
        {
            Note(email);
            var hash = Hash(email);
            if (!_members.TryGetValue(hash, out var member)) notOnList.Add(email);
            else if (member.Status != "subscribed") notSubscribed.Add(email);
            else if (segment.Members.TryAdd(hash, ++_sequence))
            {
                SegmentAdds++;
                added.Add(member);
            }
            else RedundantSegmentAdds++;
        }
        RefusedSegmentAdds += notOnList.Count + notSubscribed.Count;
        return ContractResponse.Json(200, Write(json =>
        {
            WriteMembers(json, "members_added", added);
            WriteMembers(json, "members_removed", removed);
            json.WriteStartArray("errors");
            WriteError(json, notOnList, "These email addresses are not on the list.");
            WriteError(json, notSubscribed, "These email addresses are not subscribed to the list.");
            json.WriteEndArray();
            json.WriteNumber("total_added", added.Count);
            json.WriteNumber("total_removed", removed.Count);
            json.WriteNumber("error_count", (notOnList.Count > 0 ? 1 : 0) + (notSubscribed.Count > 0 ? 1 : 0));
        }));

        void Note(string email)
        {
            Touched.Add(email.Trim().ToLowerInvariant());
            EverReceived.Add(email.Trim().ToLowerInvariant());
        }
    }

    private ContractResponse SegmentMembers(Segment segment, ContractRequest request)
    {
        var members = segment.Members.OrderBy(kv => kv.Value).Select(kv => _members[kv.Key]).ToList();
        return Page(request, "members", members, (json, m) => WriteMember(json, m));
    }

    private ContractResponse ListMergeFields(ContractRequest request) => Page(request, "merge_fields", _mergeFields, (json, f) =>
    {
        json.WriteNumber("merge_id", f.Id);
        json.WriteString("tag", f.Tag);
        json.WriteString("name", f.Name);
        json.WriteString("type", f.Type);
        json.WriteString("list_id", ListId);
    });

    private ContractResponse CreateMergeField(ContractRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var name = Text(doc.RootElement, "name");
        var type = Text(doc.RootElement, "type");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(type)) return InvalidResource("A merge field needs a name and a type.");
        var tag = (Text(doc.RootElement, "tag") ?? "MMERGE" + (_mergeFields.Count + 1).ToString(CultureInfo.InvariantCulture)).ToUpperInvariant();
        if (tag.Length > 10 || !tag.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')) return InvalidResource("A merge tag is at most 10 letters, digits or underscores.");
        if (_mergeFields.Any(f => f.Tag == tag)) return InvalidResource($"A Merge Field with the tag \"{tag}\" already exists for this list.");
        var field = new MergeField(_mergeFields.Max(f => f.Id) + 1, tag, name, type);
        _mergeFields.Add(field);
        return ContractResponse.Json(200, Write(json =>
        {
            json.WriteNumber("merge_id", field.Id);
            json.WriteString("tag", field.Tag);
            json.WriteString("name", field.Name);
            json.WriteString("type", field.Type);
        }));
    }

    /// <summary>One page of a collection: <c>count</c> defaults to 10 and is at most 1000, <c>offset</c> to 0.</summary>
    private static ContractResponse Page<T>(ContractRequest request, string name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        var count = request.Query.TryGetValue("count", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 10;
        var offset = request.Query.TryGetValue("offset", out var o) ? int.Parse(o, CultureInfo.InvariantCulture) : 0;
        if (count is < 1 or > 1000 || offset < 0) return InvalidResource("count must be between 1 and 1000 and offset at least 0.");
        return ContractResponse.Json(200, Write(json =>
        {
            json.WriteStartArray(name);
            foreach (var item in items.Skip(offset).Take(count))
            {
                json.WriteStartObject();
                write(json, item);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("total_items", items.Count);
        }));
    }

    private Segment? FindSegment(string id) => _segments.FirstOrDefault(s => s.Id.ToString(CultureInfo.InvariantCulture) == id);

    private static List<string> Emails(JsonElement root, string name)
        => root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"{name} holds a non-string.")).ToList()
            : [];

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool LooksValid(string email)
    {
        var e = email.Trim();
        var at = e.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == e.LastIndexOf('@') && at < e.Length - 1 && e[(at + 1)..].Contains('.', StringComparison.Ordinal)
               && !e.Any(char.IsWhiteSpace) && e.Length <= 254;
    }

    private void WriteMembers(Utf8JsonWriter json, string name, IEnumerable<ListMember> members)
    {
        json.WriteStartArray(name);
        foreach (var m in members)
        {
            json.WriteStartObject();
            WriteMember(json, m);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private void WriteMember(Utf8JsonWriter json, ListMember m)
    {
        json.WriteString("id", Hash(m.EmailAddress));
        json.WriteString("email_address", m.EmailAddress);
        json.WriteString("status", m.Status);
        json.WriteStartObject("merge_fields");
        foreach (var (tag, value) in m.MergeFields) json.WriteString(tag, value);
        json.WriteEndObject();
        json.WriteString("list_id", ListId);
    }

    private static void WriteError(Utf8JsonWriter json, List<string> emails, string error)
    {
        if (emails.Count == 0) return;
        json.WriteStartObject();
        json.WriteStartArray("email_addresses");
        foreach (var e in emails) json.WriteStringValue(e);
        json.WriteEndArray();
        json.WriteString("error", error);
        json.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ContractResponse NotFound() => Problem(404, "Resource Not Found", "The requested resource could not be found.");

    private static ContractResponse InvalidResource(string detail) => Problem(400, "Invalid Resource", detail);

    private static ContractResponse Problem(int status, string title, string detail) => ContractResponse.Json(status, Write(json =>
    {
        json.WriteString("type", "https://mailchimp.com/developer/marketing/docs/errors/");
        json.WriteString("title", title);
        json.WriteNumber("status", status);
        json.WriteString("detail", detail);
        json.WriteString("instance", Guid.NewGuid().ToString());
    }));

    private sealed class ListMember(string emailAddress, string status, Dictionary<string, string> mergeFields)
    {
        public string EmailAddress { get; } = emailAddress;

        public string Status { get; set; } = status;

        public Dictionary<string, string> MergeFields { get; } = mergeFields;

        public MailchimpMemberState State() => new(EmailAddress, Status, new Dictionary<string, string>(MergeFields, StringComparer.Ordinal));
    }

    /// <summary>A static segment; members by subscriber hash, with the order they were added in.</summary>
    private sealed record Segment(long Id, string Name)
    {
        public Dictionary<string, long> Members { get; } = new(StringComparer.Ordinal);
    }

    private sealed record MergeField(int Id, string Tag, string Name, string Type);
}
