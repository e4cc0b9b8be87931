using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Sandbox;

/// <summary>
/// A stand-in for Meta's Marketing API (customer-list Custom Audiences) that enforces the contract and keeps the state
/// Meta keeps. Routes, all under <c>/{ApiVersion}/</c> (another version is refused with code 2635):
/// <list type="bullet">
/// <item><c>GET act_&lt;account&gt;/customaudiences?fields=id,name[&amp;limit][&amp;after]</c>: the account's audiences by id,
/// at most <see cref="PageLimit"/> per page, with <c>paging.cursors.after</c> and <c>paging.next</c> while more follow.</item>
/// <item><c>POST act_&lt;account&gt;/customaudiences</c> (JSON: name, <c>subtype=CUSTOM</c>, customer_file_source,
/// description): creates an audience; names are not unique, as on Meta, so a second one of a name is a visible fact.</item>
/// <item><c>POST|DELETE &lt;audience id&gt;/users</c> with <c>{payload: {schema, data}, session: {session_id, batch_seq,
/// last_batch_flag, estimated_num_total}}</c>: adds or removes people.</item>
/// </list>
/// The token must come as <c>Authorization: Bearer</c> (a token in the query is refused too); a wrong one is Meta's
/// code 190. An upload is refused (code 100) unless its schema keys are known and distinct, every row has the schema's
/// length, every hashed value is 64 lowercase hex or "" (EXTERN_ID and MADID excepted), it has at most
/// <see cref="MaxRowsPerRequest"/> rows and its session fields are present and valid. An upload is applied once per
/// (audience, session_id, batch_seq): a repeat is answered as before and counted. Above the rate limit the answer is
/// HTTP 400 with code 17 and an <c>X-Business-Use-Case-Usage</c> header; injected throttling bursts are HTTP 429 with
/// code 80004 and the header; injected server errors are 500 with code 2. A restricted audience refuses uploads with
/// subcode 1713230.
/// </summary>
/// <remarks>
/// An audience holds people. A row's match keys (EXTERN_ID, EMAIL, PHONE, MADID) find the people it matches: an added
/// row joins them (merging its identifiers into theirs) or becomes a new person; a removed row removes every person
/// it matches. A row with no match key value is an invalid entry (counted, never applied).
/// </remarks>
public sealed class MetaContractServer : ContractServer
{
    public const int MaxRowsPerRequest = 10_000;
    public const int RestrictedSubcode = 1713230;
    public const int PageLimit = 25;

    private static readonly string[] Keys = ["EXTERN_ID", "EMAIL", "PHONE", "FN", "LN", "FI", "GEN", "DOBY", "DOBM", "DOBD", "CT", "ST", "ZIP", "COUNTRY", "MADID"];
    private static readonly HashSet<string> MatchKeys = ["EXTERN_ID", "EMAIL", "PHONE", "MADID"];
    private static readonly HashSet<string> FileSources = ["USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY", "BOTH_USER_AND_PARTNER_PROVIDED"];

    private readonly string _token;
    private readonly SortedDictionary<string, Audience> _audiences = new(Comparer<string>.Create(CompareIds));
    private readonly HashSet<string> _restricted = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Audience, long Session, int Seq), (ContractResponse Answer, string BodyHash)> _answered = [];
    private readonly HashSet<(string Audience, long Session)> _closedSessions = [];
    private long _nextId = 120_210_000_000_000_001;

    /// <param name="accessToken">The token the client must present.</param>
    /// <param name="adAccountId">The one ad account it serves (digits).</param>
    /// <param name="apiVersion">The Graph API version it implements.</param>
    public MetaContractServer(string accessToken, string adAccountId, int rateLimit = 200, int seed = 1, string apiVersion = "v25.0") : base(rateLimit, seed)
    {
        _token = accessToken;
        AdAccountId = adAccountId;
        ApiVersion = apiVersion;
    }

    public string ApiVersion { get; }

    public string AdAccountId { get; }

    /// <summary>The <c>estimated_time_to_regain_access</c> (minutes) its throttling answers announce.</summary>
    public int RegainAccessMinutes { get; set; }

    /// <summary>When set, uploads are applied and then answered 200 with a body that is not JSON.</summary>
    public bool GarbageAfterApply { get; set; }

    /// <summary>The next this-many uploads are applied and then answered only after <see cref="FaultPlan.SlowDelay"/> (past a client's timeout).</summary>
    public int SlowAfterApplyNext { get; set; }

    public int AudienceCreations { get; private set; }

    public int UploadRequests { get; private set; }

    /// <summary>Uploads whose (audience, session_id, batch_seq) was applied before: answered as before, not applied again.</summary>
    public int DuplicateBatches { get; private set; }

    /// <summary>Repeats of an (audience, session_id, batch_seq) with a different body: a client reusing a session for other rows.</summary>
    public int SessionConflicts { get; private set; }

    public int OversizedRequests { get; private set; }

    /// <summary>Requests refused for breaking the contract (shape, keys, hashing, session, path).</summary>
    public int ContractViolations { get; private set; }

    public int AuthFailures { get; private set; }

    /// <summary>Rows received in applied uploads.</summary>
    public int RowsReceived { get; private set; }

    public int InvalidEntries { get; private set; }

    /// <summary>The most rows seen in one upload.</summary>
    public int MaxRowsSeen { get; private set; }

    /// <summary>Rows applied per EMAIL hash (adds and removes), since the last counter reset.</summary>
    public Dictionary<string, int> AppliedPerEmail { get; } = new(StringComparer.Ordinal);

    /// <summary>Every EMAIL hash that arrived in any upload, applied or not (never reset).</summary>
    public HashSet<string> EverReceivedEmails { get; } = new(StringComparer.Ordinal);

    protected override void OnResetCounters()
    {
        AppliedPerEmail.Clear();
        UploadRequests = DuplicateBatches = SessionConflicts = OversizedRequests = ContractViolations = AuthFailures = RowsReceived = InvalidEntries = MaxRowsSeen = 0;
    }

    /// <summary>How many audiences of the account carry this name.</summary>
    public int AudiencesNamed(string name)
    {
        lock (Gate) return _audiences.Values.Count(a => a.Name == name);
    }

    /// <summary>The EMAIL hashes of the people in the audiences of this name, sorted.</summary>
    public IReadOnlyList<string> MembersOf(string name)
    {
        lock (Gate)
        {
            return _audiences.Values.Where(a => a.Name == name).SelectMany(a => a.People)
                .SelectMany(p => p.Values.TryGetValue("EMAIL", out var e) ? e : []).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>How many people the audiences of this name hold.</summary>
    public int PeopleIn(string name)
    {
        lock (Gate) return _audiences.Values.Where(a => a.Name == name).Sum(a => a.People.Count);
    }

    /// <summary>The identifiers (key → values) of the person with this EMAIL hash in the audience, or null.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? PersonWithEmail(string name, string emailHash)
    {
        lock (Gate)
        {
            var person = _audiences.Values.Where(a => a.Name == name)
                .Select(a => a.Index.GetValueOrDefault(("EMAIL", emailHash))).FirstOrDefault(p => p is not null);
            return person?.Values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToList(), StringComparer.Ordinal);
        }
    }

    /// <summary>Creates an audience directly, as someone working in Ads Manager would; returns its id.</summary>
    public string SeedAudience(string name)
    {
        lock (Gate) return Create(name).Id;
    }

    /// <summary>Flags the audiences of this name, present and future, as restricted (uploads refused with subcode 1713230).</summary>
    public void Restrict(string name)
    {
        lock (Gate)
        {
            _restricted.Add(name);
            foreach (var a in _audiences.Values.Where(a => a.Name == name)) a.Restricted = true;
        }
    }

    protected override ContractResponse RateLimited() => Throttle(400, 17, "(#17) User request limit reached");

    protected override ContractResponse Throttled(int retryAfterSeconds)
        => Throttle(429, 80004, "(#80004) There have been too many calls to this ad-account. Wait a bit and try again.");

    protected override ContractResponse ServerError()
        => Error(500, 2, "An unexpected error has occurred. Please retry your request later.", transient: true);

    protected override ContractResponse? Authenticate(ContractRequest request)
    {
        if (request.Query.ContainsKey("access_token"))
        {
            AuthFailures++;
            return Error(400, 190, "Send the access token in the Authorization header (Bearer), not in the URL.");
        }
        var authorization = request.Header("Authorization");
        if (authorization is null || !FixedTimeEquals(authorization, "Bearer " + _token))
        {
            AuthFailures++;
            return Error(400, 190, "Invalid OAuth access token - Cannot parse access token");
        }
        if (Faults.ForcedStatus is not null || Faults.GarbageBody is not null) return null;
        // A repeated upload is answered as the first time, before any fault is drawn: it was applied already.
        if (UsersAudience(request) is { } audienceId && SessionKey(request.Body) is { } session
            && _answered.TryGetValue((audienceId, session.Id, session.Seq), out var previous))
        {
            DuplicateBatches++;
            if (previous.BodyHash != BodyHash(request.Body)) SessionConflicts++;
            return previous.Answer;
        }
        return null;
    }

    protected override ContractResponse Handle(ContractRequest request)
    {
        var segments = request.Path.Split('/');
        if (segments.Length < 2 || segments[1] != ApiVersion)
            return Violation(400, 2635, $"Only {ApiVersion} is served here; the request named '{(segments.Length > 1 ? segments[1] : "")}'.");
        if (segments.Length == 4 && segments[3] == "customaudiences" && segments[2].StartsWith("act_", StringComparison.Ordinal))
        {
            if (segments[2] != "act_" + AdAccountId)
                return Violation(400, 100, $"Unsupported request. Object with ID '{segments[2]}' does not exist.", 33);
            return request.Method switch
            {
                "GET" => List(request),
                "POST" => CreateFrom(request),
                _ => Violation(400, 100, $"{request.Method} is not supported on customaudiences."),
            };
        }
        if (segments.Length == 4 && segments[3] == "users" && request.Method is "POST" or "DELETE") return Upload(request, segments[2]);
        return Violation(400, 2500, "Unknown path components: " + string.Join('/', segments.Skip(2)));
    }

    private ContractResponse List(ContractRequest request)
    {
        var fields = request.Query.GetValueOrDefault("fields", "id").Split(',');
        var limit = int.TryParse(request.Query.GetValueOrDefault("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? Math.Min(l, PageLimit) : PageLimit;
        var after = request.Query.GetValueOrDefault("after");
        var rest = _audiences.Values.Where(a => after is null || CompareIds(a.Id, after) > 0).ToList();
        var page = rest.Take(limit).ToList();
        var data = page.Select(a =>
        {
            var item = new Dictionary<string, object> { ["id"] = a.Id };
            if (fields.Contains("name")) item["name"] = a.Name;
            return item;
        }).ToList();
        var body = new Dictionary<string, object> { ["data"] = data };
        if (page.Count > 0)
        {
            var paging = new Dictionary<string, object> { ["cursors"] = new Dictionary<string, string> { ["before"] = page[0].Id, ["after"] = page[^1].Id } };
            if (rest.Count > page.Count)
                paging["next"] = new Uri(BaseUri, $"{ApiVersion}/act_{AdAccountId}/customaudiences?fields={string.Join(',', fields)}&limit={limit}&after={page[^1].Id}").AbsoluteUri;
            body["paging"] = paging;
        }
        return ContractResponse.Json(200, JsonSerializer.Serialize(body));
    }

    private ContractResponse CreateFrom(ContractRequest request)
    {
        if (request.Header("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Violation(400, 100, "Send the audience's parameters as JSON.");
        if (!TryParse(request.Body, out var doc)) return Violation(400, 100, "The body is not JSON.");
        using (doc)
        {
            var root = doc!.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Violation(400, 100, "The body is not a JSON object.");
            var name = String(root, "name");
            if (string.IsNullOrWhiteSpace(name)) return Violation(400, 100, "(#100) The parameter name is required");
            if (String(root, "subtype") != "CUSTOM") return Violation(400, 100, "(#100) subtype must be CUSTOM for a customer list");
            if (String(root, "customer_file_source") is not { } source || !FileSources.Contains(source))
                return Violation(400, 100, "(#100) customer_file_source must be one of " + string.Join(", ", FileSources));
            if (root.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.String) return Violation(400, 100, "(#100) description must be a string");
            return ContractResponse.Json(200, JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = Create(name).Id }));
        }
    }

    private Audience Create(string name)
    {
        var audience = new Audience(_nextId++.ToString(CultureInfo.InvariantCulture), name) { Restricted = _restricted.Contains(name) };
        _audiences[audience.Id] = audience;
        AudienceCreations++;
        return audience;
    }

    private ContractResponse Upload(ContractRequest request, string audienceId)
    {
        UploadRequests++;
        if (!_audiences.TryGetValue(audienceId, out var audience))
            return Violation(400, 100, $"Unsupported post request. Object with ID '{audienceId}' does not exist.", 33);
        if (audience.Restricted)
            return Error(400, 2650, "This audience is restricted: it may not be used because of the categories it was found to contain.", RestrictedSubcode);
        if (!TryParse(request.Body, out var doc)) return Violation(400, 100, "(#100) The body is not JSON.");
        using (doc)
        {
            var root = doc!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
                return Violation(400, 100, "(#100) The parameter payload is required");
            if (ReadSchema(payload) is not { } schema) return Violation(400, 100, "(#100) payload.schema must be a key or a list of distinct keys among " + string.Join(", ", Keys));
            if (!payload.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return Violation(400, 100, "(#100) payload.data must be an array");
            var count = data.GetArrayLength();
            MaxRowsSeen = Math.Max(MaxRowsSeen, count);
            if (count > MaxRowsPerRequest)
            {
                OversizedRequests++;
                return Violation(400, 100, $"(#100) payload.data has {count} rows; at most {MaxRowsPerRequest} are allowed per request.");
            }
            if (ReadSession(root) is not { } session) return Violation(400, 100, "(#100) session needs session_id (positive int64), batch_seq (from 1), last_batch_flag (bool) and estimated_num_total");
            if (_closedSessions.Contains((audienceId, session.Id))) return Violation(400, 100, $"(#100) Session {session.Id} has ended (its last batch was received).");
            var rows = new List<string[]>(count);
            var index = 0;
            foreach (var item in data.EnumerateArray())
            {
                if (ReadRow(item, schema) is not { } row) return Violation(400, 100, $"(#100) payload.data[{index}] does not match the schema ({schema.Length} values, hashed keys as 64 lowercase hex or \"\").");
                rows.Add(row);
                index++;
            }

            var remove = request.Method == "DELETE";
            var invalid = new Dictionary<string, string>(StringComparer.Ordinal);
            var invalidRows = 0;
            foreach (var row in rows)
            {
                var values = schema.Zip(row).Where(p => p.Second.Length > 0).ToList();
                foreach (var (_, email) in values.Where(p => p.First == "EMAIL")) EverReceivedEmails.Add(email);
                if (!values.Any(p => MatchKeys.Contains(p.First)))
                {
                    InvalidEntries++;
                    invalidRows++;
                    invalid.TryAdd(string.Join("|", row), "no matchable identifier"); // Meta's samples quote the row
                    continue;
                }
                if (remove) audience.Remove(values);
                else audience.Add(values);
                foreach (var (_, email) in values.Where(p => p.First == "EMAIL")) AppliedPerEmail[email] = AppliedPerEmail.GetValueOrDefault(email) + 1;
            }
            RowsReceived += rows.Count;
            if (session.Last) _closedSessions.Add((audienceId, session.Id));

            var answer = GarbageAfterApply
                ? new ContractResponse(200, "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>")
                : ContractResponse.Json(200, JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["audience_id"] = audienceId,
                    ["session_id"] = session.Id.ToString(CultureInfo.InvariantCulture),
                    ["num_received"] = rows.Count,
                    ["num_invalid_entries"] = invalidRows,
                    ["invalid_entry_samples"] = invalid,
                }));
            _answered[(audienceId, session.Id, session.Seq)] = (answer, BodyHash(request.Body));
            if (SlowAfterApplyNext <= 0) return answer;
            SlowAfterApplyNext--;
            return answer with { Delay = Faults.SlowDelay };
        }
    }

    private static string[]? ReadSchema(JsonElement payload)
    {
        if (!payload.TryGetProperty("schema", out var schema)) return null;
        string[]? keys = schema.ValueKind switch
        {
            JsonValueKind.String => [schema.GetString()!],
            JsonValueKind.Array when schema.EnumerateArray().All(k => k.ValueKind == JsonValueKind.String) => schema.EnumerateArray().Select(k => k.GetString()!).ToArray(),
            _ => null,
        };
        if (keys is null || keys.Length == 0 || keys.Any(k => !Keys.Contains(k)) || keys.Distinct().Count() != keys.Length) return null;
        return keys;
    }

    /// <summary>One row in schema order (a single-key schema takes bare strings), or null when it breaks the contract.</summary>
    private static string[]? ReadRow(JsonElement item, string[] schema)
    {
        string[] row;
        if (schema.Length == 1 && item.ValueKind == JsonValueKind.String) row = [item.GetString()!];
        else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == schema.Length && item.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
            row = item.EnumerateArray().Select(v => v.GetString()!).ToArray();
        else return null;
        for (var i = 0; i < row.Length; i++)
        {
            if (schema[i] is "EXTERN_ID" or "MADID" || row[i].Length == 0) continue;
            if (row[i].Length != 64 || !row[i].All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))) return null;
        }
        return row;
    }

    private static (long Id, int Seq, bool Last)? ReadSession(JsonElement root)
    {
        if (!root.TryGetProperty("session", out var s) || s.ValueKind != JsonValueKind.Object) return null;
        if (!s.TryGetProperty("session_id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var sessionId) || sessionId <= 0) return null;
        if (!s.TryGetProperty("batch_seq", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt32(out var batchSeq) || batchSeq < 1) return null;
        if (!s.TryGetProperty("last_batch_flag", out var last) || last.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return null;
        if (!s.TryGetProperty("estimated_num_total", out var total) || total.ValueKind != JsonValueKind.Number || !total.TryGetInt64(out var t) || t < 0) return null;
        return (sessionId, batchSeq, last.ValueKind == JsonValueKind.True);
    }

    /// <summary>The (session_id, batch_seq) of an upload body, or null when it has none readable.</summary>
    private static (long Id, int Seq)? SessionKey(string body)
    {
        if (!TryParse(body, out var doc)) return null;
        using (doc) return doc!.RootElement.ValueKind == JsonValueKind.Object && ReadSession(doc.RootElement) is { } s ? (s.Id, s.Seq) : null;
    }

    private static string? UsersAudience(ContractRequest request)
    {
        var segments = request.Path.Split('/');
        return segments.Length == 4 && segments[3] == "users" && request.Method is "POST" or "DELETE" ? segments[2] : null;
    }

    private static bool TryParse(string body, out JsonDocument? doc)
    {
        try
        {
            doc = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            doc = null;
            return false;
        }
    }

    private static string? String(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string BodyHash(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    private static bool FixedTimeEquals(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Ids compare as numbers (all digits, no leading zeros).</summary>
    private static int CompareIds(string? a, string? b)
        => a is null || b is null ? string.CompareOrdinal(a, b) : a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    private ContractResponse Violation(int status, int code, string message, int? subcode = null)
    {
        ContractViolations++;
        return Error(status, code, message, subcode);
    }

    private ContractResponse Throttle(int status, int code, string message)
    {
        var usage = JsonSerializer.Serialize(new Dictionary<string, object[]>
        {
            [AdAccountId] = [new Dictionary<string, object> { ["type"] = "custom_audience", ["call_count"] = 100, ["total_cputime"] = 20, ["total_time"] = 25, ["estimated_time_to_regain_access"] = RegainAccessMinutes }],
        });
        return Error(status, code, message) with { Headers = new Dictionary<string, string> { ["X-Business-Use-Case-Usage"] = usage } };
    }

    private static ContractResponse Error(int status, int code, string message, int? subcode = null, bool transient = false)
    {
        var error = new Dictionary<string, object> { ["message"] = message, ["type"] = code == 190 ? "OAuthException" : "FacebookApiException", ["code"] = code };
        if (subcode is { } s) error["error_subcode"] = s;
        if (transient) error["is_transient"] = true;
        error["fbtrace_id"] = "sandbox";
        return ContractResponse.Json(status, JsonSerializer.Serialize(new Dictionary<string, object> { ["error"] = error }));
    }

    /// <summary>A Custom Audience: its people, and an index from each (match key, value) to the person holding it.</summary>
    private sealed class Audience(string id, string name)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public bool Restricted { get; set; }

        public HashSet<Person> People { get; } = [];

        public Dictionary<(string Key, string Value), Person> Index { get; } = [];

        public void Add(List<(string Key, string Value)> values)
        {
            var matched = Matches(values);
            var person = matched.FirstOrDefault() ?? new Person();
            People.Add(person);
            foreach (var other in matched.Skip(1))
            {
                People.Remove(other);
                foreach (var (key, set) in other.Values)
                {
                    foreach (var v in set) person.Put(key, v);
                }
            }
            foreach (var (key, value) in values) person.Put(key, value);
            foreach (var (key, set) in person.Values.Where(kv => MatchKeys.Contains(kv.Key)))
            {
                foreach (var v in set) Index[(key, v)] = person;
            }
        }

        public void Remove(List<(string Key, string Value)> values)
        {
            foreach (var person in Matches(values))
            {
                People.Remove(person);
                foreach (var (key, set) in person.Values.Where(kv => MatchKeys.Contains(kv.Key)))
                {
                    foreach (var v in set) Index.Remove((key, v));
                }
            }
        }

        private List<Person> Matches(List<(string Key, string Value)> values)
            => values.Where(p => MatchKeys.Contains(p.Key)).Select(p => Index.GetValueOrDefault(p)).OfType<Person>().Distinct().ToList();
    }

    private sealed class Person
    {
        public Dictionary<string, SortedSet<string>> Values { get; } = new(StringComparer.Ordinal);

        public void Put(string key, string value)
        {
            if (!Values.TryGetValue(key, out var set)) Values[key] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(value);
        }
    }
}
