using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Sandbox;

/// <summary>
/// A stand-in for the Google Data Manager API's audience endpoints, <c>POST /v1/audienceMembers:ingest</c> and
/// <c>POST /v1/audienceMembers:remove</c>, for one operating account and its Customer Match user lists.
/// </summary>
/// <remarks>
/// It enforces the public contract and answers as Google does, errors as <c>{"error": {code, message, status, details:
/// [ErrorInfo, BadRequest]}}</c>: a Bearer token (401 UNAUTHENTICATED); the operating account (403 PERMISSION_DENIED) and
/// known user lists (400 INVALID_USER_LIST_ID); 1 to 10 destinations, 1 to 10,000 members, 1 to 10 identifiers per
/// member, each identifier exactly one of emailAddress, phoneNumber or address; <c>encoding: HEX</c> with every hashed
/// value 64 lowercase hex characters (INVALID_SHA256_FORMAT); an address's regionCode two letters and its postalCode
/// present and not hashed; no field the request type lacks (consent on a remove is refused); on ingest, both ad
/// consents CONSENT_GRANTED for every member (member-level consent overriding the request's). The API fails fast: one
/// bad member refuses the whole request and nothing of it is applied. Beyond <see cref="ContractServer.RateLimit"/>
/// requests a second it answers 429 RESOURCE_EXHAUSTED.
/// It cannot check that a hash was made from a correctly normalised value; tests compare the hashes it holds with
/// expected ones instead. State per user list: the members held, each keyed by its first identifier (an ingest of the
/// same key replaces the member's identifiers, a remove drops the key), as <c>email:&lt;hash&gt;</c>,
/// <c>phone:&lt;hash&gt;</c> or <c>address:&lt;given hash&gt;|&lt;family hash&gt;|&lt;region&gt;|&lt;postal code&gt;</c>.
/// </remarks>
public sealed class GoogleDataManagerContractServer : ContractServer
{
    public const string IngestPath = "/v1/audienceMembers:ingest";
    public const string RemovePath = "/v1/audienceMembers:remove";
    public const int MaxMembers = 10_000;
    public const int MaxIdentifiers = 10;
    public const int MaxDestinations = 10;

    private static readonly string[] IngestFields = ["destinations", "audienceMembers", "consent", "validateOnly", "encoding", "encryptionInfo", "termsOfService"];
    private static readonly string[] RemoveFields = ["destinations", "audienceMembers", "validateOnly", "encoding", "encryptionInfo"];
    private static readonly string[] AccountTypes = ["GOOGLE_ADS", "DISPLAY_VIDEO_PARTNER", "DISPLAY_VIDEO_ADVERTISER", "DATA_PARTNER"];
    private static readonly string[] ConsentValues = ["CONSENT_STATUS_UNSPECIFIED", "CONSENT_GRANTED", "CONSENT_DENIED"];

    private readonly string _operatingAccountId;

    public GoogleDataManagerContractServer(string accessToken, string operatingAccountId, IEnumerable<string> userListIds, int rateLimit, int seed = 1) : base(rateLimit, seed)
    {
        AccessToken = accessToken;
        _operatingAccountId = operatingAccountId;
        foreach (var id in userListIds) UserLists[id] = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
    }

    /// <summary>The token a request's <c>Authorization: Bearer</c> must carry.</summary>
    public string AccessToken { get; set; }

    /// <summary>
    /// Per user list id: the members held, by the first identifier they were ingested with → their identifiers. As on
    /// the platform, a list holds identifiers: an ingest adds the member's identifiers to the member any of them already
    /// matches (an identifier it held before stays until removed), and a remove takes the given identifiers away,
    /// dropping a member left with none.
    /// </summary>
    public Dictionary<string, Dictionary<string, IReadOnlyList<string>>> UserLists { get; } = new(StringComparer.Ordinal);

    /// <summary>Email hashes that appeared in any authenticated request, applied or not.</summary>
    public HashSet<string> EverReceivedEmailHashes { get; } = new(StringComparer.Ordinal);

    /// <summary>Email hashes refused as invalid: a request holding one is refused with <see cref="InvalidEmailReason"/> (a poison record).</summary>
    public HashSet<string> InvalidEmailHashes { get; } = new(StringComparer.Ordinal);

    public string InvalidEmailReason { get; set; } = "INVALID_AUDIENCE_MEMBER";

    /// <summary>When set, an ingest must say the Customer Match terms were accepted (else 400 TERMS_AND_CONDITIONS_NOT_SIGNED).</summary>
    public bool RequireTermsAccepted { get; set; }

    /// <summary>Member operations applied, per member key (an operation on a member of several lists counts once per list).</summary>
    public Dictionary<string, int> AppliedPerMember { get; } = new(StringComparer.Ordinal);

    public int IngestRequests { get; private set; }

    public int RemoveRequests { get; private set; }

    public int IngestedMembers { get; private set; }

    public int RemovedMembers { get; private set; }

    /// <summary>Member operations that changed nothing: an ingest of identifiers already held, a remove of identifiers not held.</summary>
    public int RedundantOperations { get; private set; }

    /// <summary>Requests refused with 400, per reason.</summary>
    public Dictionary<string, int> InvalidRequests { get; } = new(StringComparer.Ordinal);

    public int ValidateOnlyRequests { get; private set; }

    public int Unauthenticated { get; private set; }

    protected override void OnResetCounters()
    {
        AppliedPerMember.Clear();
        InvalidRequests.Clear();
        IngestRequests = RemoveRequests = IngestedMembers = RemovedMembers = RedundantOperations = ValidateOnlyRequests = Unauthenticated = 0;
    }

    protected override ContractResponse RateLimited() => Error(429, "RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED", "Quota exceeded for requests per minute.");

    protected override ContractResponse Throttled(int retryAfterSeconds)
        => Error(429, "RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED", "Too many requests.") with { Headers = new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } };

    protected override ContractResponse ServerError() => Error(500, "INTERNAL", "INTERNAL_ERROR", "Internal error encountered.");

    protected override ContractResponse? Authenticate(ContractRequest request)
    {
        if (request.Method != "POST" || request.Path is not (IngestPath or RemovePath))
            return Error(404, "NOT_FOUND", "NOT_FOUND", "The requested URL was not found on this server.");
        var authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization["Bearer ".Length..] != AccessToken)
        {
            Unauthenticated++;
            return Error(401, "UNAUTHENTICATED", "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        }
        return null;
    }

    protected override ContractResponse Handle(ContractRequest request)
    {
        var ingest = request.Path == IngestPath;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(request.Body);
        }
        catch (JsonException)
        {
            return Invalid("INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Invalid("INVALID_ARGUMENT", "Invalid JSON payload received: not an object.");
            NoteEmails(root);
            if (Check(root, ingest, out var lists, out var members) is { } refused) return refused;
            if (root.TryGetProperty("validateOnly", out var v) && v.ValueKind == JsonValueKind.True)
            {
                ValidateOnlyRequests++;
                return Ok();
            }
            Apply(ingest, lists, members);
            return Ok();
        }
    }

    private ContractResponse? Check(JsonElement root, bool ingest, out List<string> lists, out List<List<string>> members)
    {
        lists = [];
        members = [];
        var allowed = ingest ? IngestFields : RemoveFields;
        foreach (var property in root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name)) return Invalid("INVALID_ARGUMENT", $"Invalid JSON payload received. Unknown name \"{property.Name}\".", property.Name);
        }
        if (root.TryGetProperty("validateOnly", out var validate) && validate.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return Invalid("INVALID_ARGUMENT", "validateOnly must be a boolean.", "validate_only");
        if (!root.TryGetProperty("encoding", out var encoding) || encoding.ValueKind != JsonValueKind.String)
            return Invalid("REQUIRED_FIELD_MISSING", "encoding is required for UserData uploads.", "encoding");
        if (encoding.GetString() != "HEX")
            return Invalid(encoding.GetString() == "BASE64" ? "INVALID_ARGUMENT" : "INVALID_ENUM_VALUE", "This stand-in implements encoding HEX only.", "encoding");
        if (root.TryGetProperty("encryptionInfo", out _)) return Invalid("INVALID_ARGUMENT", "This stand-in implements unencrypted identifiers only.", "encryption_info");
        if (ingest && RequireTermsAccepted
            && !(root.TryGetProperty("termsOfService", out var terms) && terms.ValueKind == JsonValueKind.Object
                 && terms.TryGetProperty("customerMatchTermsOfServiceStatus", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "ACCEPTED"))
            return Invalid("TERMS_AND_CONDITIONS_NOT_SIGNED", "Customer Match terms of service not accepted.", "terms_of_service");

        if (CheckDestinations(root, lists) is { } badDestination) return badDestination;

        if (!root.TryGetProperty("audienceMembers", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            return Invalid("REQUIRED_FIELD_MISSING", "audienceMembers is required.", "audience_members");
        if (array.GetArrayLength() > MaxMembers) return Invalid("TOO_MANY_AUDIENCE_MEMBERS", $"At most {MaxMembers} audience members per request.", "audience_members");
        JsonElement? requestConsent = root.TryGetProperty("consent", out var c) ? c : null;
        var index = 0;
        foreach (var member in array.EnumerateArray())
        {
            var field = $"audience_members[{index++}]";
            if (CheckMember(member, field, ingest, requestConsent, out var identifiers) is { } badMember) return badMember;
            members.Add(identifiers);
        }
        return null;
    }

    private ContractResponse? CheckDestinations(JsonElement root, List<string> lists)
    {
        if (!root.TryGetProperty("destinations", out var destinations) || destinations.ValueKind != JsonValueKind.Array || destinations.GetArrayLength() == 0)
            return Invalid("REQUIRED_FIELD_MISSING", "destinations is required.", "destinations");
        if (destinations.GetArrayLength() > MaxDestinations) return Invalid("TOO_MANY_DESTINATIONS", $"At most {MaxDestinations} destinations per request.", "destinations");
        var index = 0;
        foreach (var destination in destinations.EnumerateArray())
        {
            var field = $"destinations[{index++}]";
            if (destination.ValueKind != JsonValueKind.Object) return Invalid("INVALID_DESTINATION", "A destination must be an object.", field);
            foreach (var account in new[] { "operatingAccount", "loginAccount", "linkedAccount" })
            {
                if (!destination.TryGetProperty(account, out var a))
                {
                    if (account == "operatingAccount") return Invalid("REQUIRED_FIELD_MISSING", "operatingAccount is required.", field + ".operating_account");
                    continue;
                }
                if (a.ValueKind != JsonValueKind.Object || !a.TryGetProperty("accountId", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
                    return Invalid("REQUIRED_FIELD_MISSING", $"{account}.accountId is required.", $"{field}.{account}.account_id");
                if (!a.TryGetProperty("accountType", out var type) || type.ValueKind != JsonValueKind.String || !AccountTypes.Contains(type.GetString()))
                    return Invalid("INVALID_ENUM_VALUE", $"{account}.accountType must be one of {string.Join(", ", AccountTypes)}.", $"{field}.{account}.account_type");
            }
            if (destination.GetProperty("operatingAccount").GetProperty("accountId").GetString() != _operatingAccountId)
                return Error(403, "PERMISSION_DENIED", "PERMISSION_DENIED", "The caller does not have permission on the operating account.");
            if (!destination.TryGetProperty("productDestinationId", out var list) || list.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(list.GetString()))
                return Invalid("REQUIRED_FIELD_MISSING", "productDestinationId is required.", field + ".product_destination_id");
            if (!UserLists.ContainsKey(list.GetString()!)) return Invalid("INVALID_USER_LIST_ID", "User list is not valid.", field + ".product_destination_id");
            lists.Add(list.GetString()!);
        }
        return null;
    }

    private ContractResponse? CheckMember(JsonElement member, string field, bool ingest, JsonElement? requestConsent, out List<string> identifiers)
    {
        identifiers = [];
        if (member.ValueKind != JsonValueKind.Object) return Invalid("INVALID_AUDIENCE_MEMBER", "An audience member must be an object.", field);
        foreach (var property in member.EnumerateObject())
        {
            if (property.Name is not ("userData" or "consent" or "destinationReferences"))
                return Invalid("INVALID_ARGUMENT", $"This stand-in implements userData members only (got \"{property.Name}\").", field);
        }
        if (ingest && !Granted(member, requestConsent, out var bad))
            return bad ?? Invalid("INVALID_ARGUMENT", "Both adUserData and adPersonalization consent must be CONSENT_GRANTED to add a member.", field + ".consent");
        if (!member.TryGetProperty("userData", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("userIdentifiers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Invalid("REQUIRED_FIELD_MISSING", "userData.userIdentifiers is required.", field + ".user_data");
        if (list.GetArrayLength() > MaxIdentifiers) return Invalid("TOO_MANY_USER_IDENTIFIERS", $"At most {MaxIdentifiers} identifiers per member.", field + ".user_data");
        var index = 0;
        foreach (var identifier in list.EnumerateArray())
        {
            var at = $"{field}.user_data.user_identifiers[{index++}]";
            if (identifier.ValueKind != JsonValueKind.Object || identifier.EnumerateObject().Count() != 1)
                return Invalid("INVALID_ARGUMENT", "A user identifier has exactly one of emailAddress, phoneNumber, address.", at);
            var property = identifier.EnumerateObject().Single();
            switch (property.Name)
            {
                case "emailAddress" or "phoneNumber":
                    if (!IsSha256Hex(property.Value)) return Invalid("INVALID_SHA256_FORMAT", "The SHA256 encoded value is malformed.", at);
                    var hash = property.Value.GetString()!;
                    if (property.Name == "emailAddress" && InvalidEmailHashes.Contains(hash)) return Invalid(InvalidEmailReason, "This audience member is not valid.", at);
                    identifiers.Add((property.Name == "emailAddress" ? "email:" : "phone:") + hash);
                    break;
                case "address":
                    if (CheckAddress(property.Value, at + ".address") is { } badAddress) return badAddress;
                    var a = property.Value;
                    identifiers.Add($"address:{a.GetProperty("givenName").GetString()}|{a.GetProperty("familyName").GetString()}|{a.GetProperty("regionCode").GetString()}|{a.GetProperty("postalCode").GetString()}");
                    break;
                default:
                    return Invalid("INVALID_ARGUMENT", $"Unknown user identifier \"{property.Name}\".", at);
            }
        }
        return null;
    }

    private ContractResponse? CheckAddress(JsonElement address, string at)
    {
        if (address.ValueKind != JsonValueKind.Object) return Invalid("INVALID_FORMAT", "address must be an object.", at);
        foreach (var property in address.EnumerateObject())
        {
            if (property.Name is not ("givenName" or "familyName" or "regionCode" or "postalCode"))
                return Invalid("INVALID_ARGUMENT", $"Unknown address field \"{property.Name}\".", at);
        }
        foreach (var name in new[] { "givenName", "familyName" })
        {
            if (!address.TryGetProperty(name, out var hashed)) return Invalid("REQUIRED_FIELD_MISSING", $"{name} is required.", at);
            if (!IsSha256Hex(hashed)) return Invalid("INVALID_SHA256_FORMAT", "The SHA256 encoded value is malformed.", at);
        }
        if (!address.TryGetProperty("regionCode", out var region) || region.ValueKind != JsonValueKind.String || region.GetString() is not { Length: 2 } r
            || !char.IsAsciiLetter(r[0]) || !char.IsAsciiLetter(r[1]))
            return Invalid("INVALID_FORMAT", "regionCode must be a two-letter ISO-3166-1 alpha-2 code, unhashed.", at + ".region_code");
        if (!address.TryGetProperty("postalCode", out var postal) || postal.ValueKind != JsonValueKind.String || postal.GetString() is not { Length: > 0 and <= 16 } p
            || p.Trim() != p)
            return Invalid("INVALID_POSTAL_CODE", "Postal code is not valid (it is sent unhashed and trimmed).", at + ".postal_code");
        return null;
    }

    /// <summary>True when both ad consents are granted for the member; <paramref name="bad"/> is set for a malformed value.</summary>
    private bool Granted(JsonElement member, JsonElement? requestConsent, out ContractResponse? bad)
    {
        bad = null;
        JsonElement? memberConsent = member.TryGetProperty("consent", out var m) ? m : null;
        foreach (var name in new[] { "adUserData", "adPersonalization" })
        {
            var value = ConsentValue(memberConsent, name);
            if (value is null or "CONSENT_STATUS_UNSPECIFIED") value = ConsentValue(requestConsent, name);
            if (value is not null && !ConsentValues.Contains(value))
            {
                bad = Invalid("INVALID_ENUM_VALUE", $"{name} must be one of {string.Join(", ", ConsentValues)}.", "consent");
                return false;
            }
            if (value != "CONSENT_GRANTED") return false;
        }
        return true;
    }

    private static string? ConsentValue(JsonElement? consent, string name)
        => consent is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // Per list: identifier → the keys of the members holding it, rebuilt when a test changed the list directly.
    private readonly Dictionary<string, (int Count, Dictionary<string, HashSet<string>> Holders)> _indexes = new(StringComparer.Ordinal);

    private Dictionary<string, HashSet<string>> HoldersOf(string list, Dictionary<string, IReadOnlyList<string>> held)
    {
        if (_indexes.TryGetValue(list, out var known) && known.Count == held.Count) return known.Holders;
        var holders = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (key, ids) in held)
        {
            foreach (var i in ids) Holder(holders, i).Add(key);
        }
        return holders;
    }

    private static HashSet<string> Holder(Dictionary<string, HashSet<string>> holders, string identifier)
    {
        if (!holders.TryGetValue(identifier, out var keys)) holders[identifier] = keys = new HashSet<string>(StringComparer.Ordinal);
        return keys;
    }

    private void Apply(bool ingest, List<string> lists, List<List<string>> members)
    {
        if (ingest) IngestRequests++;
        else RemoveRequests++;
        foreach (var list in lists.Distinct(StringComparer.Ordinal))
        {
            var held = UserLists[list];
            var holders = HoldersOf(list, held);
            foreach (var identifiers in members)
            {
                if (ingest)
                {
                    var key = identifiers[0];
                    AppliedPerMember[key] = AppliedPerMember.GetValueOrDefault(key) + 1;
                    IngestedMembers++;
                    held.TryGetValue(key, out var before);
                    // The identifiers as sent first, then those the member held before that were not sent again.
                    var after = identifiers.Concat((before ?? []).Where(i => !identifiers.Contains(i))).ToList();
                    if (before is not null && before.SequenceEqual(after)) RedundantOperations++;
                    held[key] = after;
                    foreach (var i in identifiers) Holder(holders, i).Add(key);
                    continue;
                }
                RemovedMembers++;
                var affected = identifiers.SelectMany(i => holders.GetValueOrDefault(i) ?? []).Distinct(StringComparer.Ordinal).Where(held.ContainsKey).ToList();
                if (affected.Count == 0)
                {
                    AppliedPerMember[identifiers[0]] = AppliedPerMember.GetValueOrDefault(identifiers[0]) + 1;
                    RedundantOperations++;
                }
                foreach (var key in affected)
                {
                    AppliedPerMember[key] = AppliedPerMember.GetValueOrDefault(key) + 1;
                    var left = held[key].Where(i => !identifiers.Contains(i)).ToList();
                    if (left.Count == 0) held.Remove(key);
                    else held[key] = left;
                    foreach (var i in identifiers) holders.GetValueOrDefault(i)?.Remove(key);
                }
            }
            _indexes[list] = (held.Count, holders);
        }
    }

    /// <summary>Records every readable email hash of a request before it is checked: what was sent, whatever became of it.</summary>
    private void NoteEmails(JsonElement root)
    {
        if (!root.TryGetProperty("audienceMembers", out var members) || members.ValueKind != JsonValueKind.Array) return;
        foreach (var member in members.EnumerateArray())
        {
            if (member.ValueKind != JsonValueKind.Object || !member.TryGetProperty("userData", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("userIdentifiers", out var identifiers) || identifiers.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var identifier in identifiers.EnumerateArray())
            {
                if (identifier.ValueKind == JsonValueKind.Object && identifier.TryGetProperty("emailAddress", out var email) && email.ValueKind == JsonValueKind.String)
                    EverReceivedEmailHashes.Add(email.GetString()!);
            }
        }
    }

    private static bool IsSha256Hex(JsonElement value)
        => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: 64 } s && s.All(ch => ch is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static ContractResponse Ok() => ContractResponse.Json(200, $$"""{"requestId":"{{Guid.NewGuid()}}"}""");

    private ContractResponse Invalid(string reason, string message, string? field = null)
    {
        InvalidRequests[reason] = InvalidRequests.GetValueOrDefault(reason) + 1;
        return Error(400, "INVALID_ARGUMENT", reason, message, field);
    }

    /// <summary>A Google API error body: the status, an ErrorInfo with the reason, and a BadRequest naming the field when there is one.</summary>
    private static ContractResponse Error(int code, string status, string reason, string message, string? field = null)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteString("status", status);
            json.WriteStartArray("details");
            json.WriteStartObject();
            json.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
            json.WriteString("reason", reason);
            json.WriteString("domain", "datamanager.googleapis.com");
            json.WriteEndObject();
            if (field is not null)
            {
                json.WriteStartObject();
                json.WriteString("@type", "type.googleapis.com/google.rpc.BadRequest");
                json.WriteStartArray("fieldViolations");
                json.WriteStartObject();
                json.WriteString("field", field);
                json.WriteString("description", message);
                json.WriteString("reason", reason);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return ContractResponse.Json(code, Encoding.UTF8.GetString(stream.ToArray()));
    }
}
