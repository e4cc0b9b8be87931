using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Google;

/// <summary>
/// A Customer Match user list reached through the Google Data Manager API (v1): the account that holds it, the list's
/// id (<c>productDestinationId</c>), and the environment variable holding an OAuth access token with the
/// <c>https://www.googleapis.com/auth/datamanager</c> scope.
/// </summary>
/// <param name="BaseUri">The API's root, <see cref="ProductionBaseUri"/> in production.</param>
/// <param name="OperatingAccountId">The account whose list receives the members (a Google Ads customer id, digits only).</param>
/// <param name="ProductDestinationId">The user list's id.</param>
/// <param name="TokenVariable">The environment variable holding the access token (read at every request, so a host that refreshes it in-process is followed).</param>
/// <param name="Limits">At most <see cref="GoogleDataManagerDestination.MaxMembersPerRequest"/> per batch; the project's quota is 300 requests a minute.</param>
public sealed record GoogleDataManagerOptions(string Name, Uri BaseUri, string OperatingAccountId, string ProductDestinationId, string TokenVariable, DestinationLimits Limits)
{
    public static Uri ProductionBaseUri { get; } = new("https://datamanager.googleapis.com/");

    /// <summary>Full batches, two in flight, 4 requests a second (under the quota of 300 a minute, shared by the project).</summary>
    public static DestinationLimits DefaultLimits => new(GoogleDataManagerDestination.MaxMembersPerRequest, 2, 4);

    /// <summary>GOOGLE_ADS, DISPLAY_VIDEO_PARTNER, DISPLAY_VIDEO_ADVERTISER or DATA_PARTNER.</summary>
    public string OperatingAccountType { get; init; } = "GOOGLE_ADS";

    /// <summary>The account the call is made as, when it is not the operating account (a manager account).</summary>
    public string? LoginAccountId { get; init; }

    public string LoginAccountType { get; init; } = "GOOGLE_ADS";

    /// <summary>An account the login account reaches through an account link (data partners).</summary>
    public string? LinkedAccountId { get; init; }

    public string LinkedAccountType { get; init; } = "GOOGLE_ADS";

    public GoogleFieldMap FieldMap { get; init; } = GoogleFieldMap.Default;

    /// <summary>Sends <c>termsOfService.customerMatchTermsOfServiceStatus = ACCEPTED</c> with ingests: set it only when the
    /// Customer Match terms were accepted for the operating account.</summary>
    public bool CustomerMatchTermsAccepted { get; init; }

    /// <summary>Google validates every request but applies none (a dry run against the real API).</summary>
    public bool ValidateOnly { get; init; }
}

/// <summary>
/// Google Customer Match through the Data Manager API. Adds and updates are <c>POST v1/audienceMembers:ingest</c>,
/// removes <c>POST v1/audienceMembers:remove</c>; one batch is one request to one destination (the configured user list),
/// identifiers normalised and SHA-256 hashed (<see cref="GoogleNormalization"/>, <c>encoding: HEX</c>), the region and
/// postal code of an address unhashed.
/// </summary>
/// <remarks>
/// <para><b>Members.</b> A member's identifiers are its emails, then its phones, then its address (given name, family
/// name, region and postal code, all four needed), in the order of <see cref="GoogleFieldMap"/>; duplicates after
/// normalisation are sent once, and beyond <see cref="MaxIdentifiersPerMember"/> the later ones are dropped (a fixed
/// order, so the same person always sends the same identifiers). A member left with no identifier is refused here with
/// reason <c>no_identifier</c> and not sent; a batch of only such members makes no request.</para>
/// <para><b>Consent.</b> Ingests carry request-level consent <c>adUserData = adPersonalization = CONSENT_GRANTED</c>. That is
/// true by construction, not checked here: the channel is <c>ads</c>, and the sync plan sends only members whose
/// <c>contactable_ads</c> is true, which the membership sets only when both ad consents were granted. Removes carry no
/// consent (the API has no such field on them).</para>
/// <para><b>Idempotence.</b> Ingest and remove are set operations on the list: a batch sent twice (a retry after a lost
/// answer, a resumed run resending an orphan batch) leaves the list as sent once, so the batch id needs no server-side
/// deduplication.</para>
/// <para><b>Answers.</b> 200 with a JSON body is accepted (anything else in a 200 is transient
/// <c>google_unreadable_response</c>); 408, 429 and 5xx are transient, honouring Retry-After; 401 and 403 disable the
/// destination (<c>google_401</c>, <c>google_403</c>), as do 404 and a 400 whose reason concerns the request rather than
/// a member (wrong list, terms not accepted, ...); another 400 refuses the batch as <c>google_400_&lt;REASON&gt;</c> with the
/// reason from the error's details, and the executor halves it until the bad member stands alone (the API fails a
/// whole request for one bad member).</para>
/// </remarks>
public sealed class GoogleDataManagerDestination : IDestination
{
    public const int MaxMembersPerRequest = 10_000;
    public const int MaxIdentifiersPerMember = 10;

    /// <summary>Reasons that concern the request or the account: every member would fail alike, so splitting cannot help.</summary>
    private static readonly HashSet<string> RequestLevelReasons = new(StringComparer.Ordinal)
    {
        "INVALID_DESTINATION", "INVALID_USER_LIST_ID", "INVALID_USER_LIST_TYPE", "DATA_PARTNER_USER_LIST_MUTATE_NOT_ALLOWED",
        "TERMS_AND_CONDITIONS_NOT_SIGNED", "PERMISSION_DENIED", "NOT_FOUND", "DIFFERENT_LOGIN_ACCOUNTS_NOT_ALLOWED_FOR_DATA_PARTNER",
        "TOO_MANY_DESTINATIONS", "MULTIPLE_DATA_TYPES_NOT_ALLOWED",
    };

    private static readonly HashSet<string> AccountTypes = new(StringComparer.Ordinal) { "GOOGLE_ADS", "DISPLAY_VIDEO_PARTNER", "DISPLAY_VIDEO_ADVERTISER", "DATA_PARTNER" };

    private readonly GoogleDataManagerOptions _options;
    private readonly HttpClient _http;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _clock;
    private readonly Uri _ingest;
    private readonly Uri _remove;

    /// <param name="http">The client to post with; its own timeout should be infinite (attempt timeouts are the executor's).</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    public GoogleDataManagerDestination(GoogleDataManagerOptions options, HttpClient http, Func<string, string?>? environment = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        Validate(options);
        _options = options;
        _http = http;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _clock = clock ?? TimeProvider.System;
        var root = new Uri(options.BaseUri.AbsoluteUri.TrimEnd('/') + "/");
        _ingest = new Uri(root, "v1/audienceMembers:ingest");
        _remove = new Uri(root, "v1/audienceMembers:remove");
        _ = Token();
    }

    public string Name => _options.Name;

    /// <summary>Customer Match needs both ad consents, which the membership folds into <c>contactable_ads</c>.</summary>
    public string Channel => "ads";

    public DestinationLimits Limits => _options.Limits;

    /// <summary>The export columns the field map reads: a sync request to this destination should list them.</summary>
    public IReadOnlyList<string> ExportColumns => _options.FieldMap.Columns.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = GoogleMembers.Resolve(_options.Name, _options.FieldMap, batch.Columns);
        var members = new List<IReadOnlyList<GoogleIdentifier>>(batch.Records.Count);
        var refused = new Dictionary<long, string>();
        // An update whose identifiers changed first removes the old ones from the list (the list is a set of identifiers).
        var replaced = new List<IReadOnlyList<GoogleIdentifier>>();
        foreach (var record in batch.Records)
        {
            var identifiers = GoogleMembers.Identifiers(record, columns);
            if (identifiers.Count == 0) refused[record.PersonId] = "no_identifier";
            else members.Add(identifiers);
            if (batch.Operation == SyncOperation.Update && record.Sent is { } sent
                && GoogleMembers.Identifiers(record with { Fields = sent }, columns).Where(i => !identifiers.Contains(i)).ToList() is { Count: > 0 } gone)
                replaced.Add(gone);
        }
        if (members.Count == 0) return DeliveryResponse.Accepted() with { Rejections = refused };

        if (replaced.Count > 0)
        {
            var removed = await PostAsync(SyncOperation.Remove, replaced, cancellationToken).ConfigureAwait(false);
            if (removed.Status != DeliveryStatus.Accepted) return removed;
        }
        var answer = await PostAsync(batch.Operation, members, cancellationToken).ConfigureAwait(false);
        return answer.Status == DeliveryStatus.Accepted ? answer with { Rejections = refused } : answer;
    }

    private async Task<DeliveryResponse> PostAsync(SyncOperation operation, IReadOnlyList<IReadOnlyList<GoogleIdentifier>> members, CancellationToken cancellationToken)
    {
        var body = GoogleRequestBody.Write(_options, operation, members);
        using var request = new HttpRequestMessage(HttpMethod.Post, operation == SyncOperation.Remove ? _remove : _ingest)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Interpret(response.StatusCode, response.Headers.RetryAfter, _clock.GetUtcNow(), text);
    }

    /// <summary>The platform's answer as a value (see the class remarks).</summary>
    internal static DeliveryResponse Interpret(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, string body)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return IsJsonObject(body) ? DeliveryResponse.Accepted() : new DeliveryResponse(DeliveryStatus.Transient, "google_unreadable_response");
        if (code is 401 or 403 or 404) return new DeliveryResponse(DeliveryStatus.Disabled, $"google_{code}");
        if (code is 408 or 429 or >= 500)
        {
            TimeSpan? after = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
            if (after < TimeSpan.Zero) after = TimeSpan.Zero;
            return new DeliveryResponse(DeliveryStatus.Transient, $"google_{code}", after);
        }
        var reason = ErrorReason(body);
        var text = reason is null ? $"google_{code}" : $"google_{code}_{reason}";
        return new DeliveryResponse(reason is not null && RequestLevelReasons.Contains(reason) ? DeliveryStatus.Disabled : DeliveryStatus.Rejected, text);
    }

    /// <summary>
    /// The most specific reason code of a Google error body (<c>{"error": {"code", "status", "details": [...]}}</c>): an
    /// ErrorInfo reason unless it only repeats the status, else a field violation's reason, else the status. Only
    /// UPPER_SNAKE codes are taken (messages and field values may hold personal data and are never read).
    /// </summary>
    internal static string? ErrorReason(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return null;
            var status = Code(error, "status");
            string? info = null, violation = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object))
                {
                    info ??= Code(detail, "reason");
                    if (violation is null && detail.TryGetProperty("fieldViolations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                        violation = violations.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object).Select(v => Code(v, "reason")).FirstOrDefault(r => r is not null);
                }
            }
            return info is not null && info != status ? info : violation ?? info ?? status;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Code(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String) return null;
        var code = value.GetString()!;
        return code.Length is > 0 and <= 63 && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_') ? code : null;
    }

    private static bool IsJsonObject(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private string Token()
    {
        var token = _environment(_options.TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
            throw new InvalidOperationException($"Google Data Manager destination '{_options.Name}': the environment variable {_options.TokenVariable} holding its OAuth access token is not set. " +
                "Set it to an access token with the https://www.googleapis.com/auth/datamanager scope.");
        return token.Trim();
    }

    private static void Validate(GoogleDataManagerOptions o)
    {
        var name = string.IsNullOrWhiteSpace(o.Name) ? throw new ArgumentException("A Google Data Manager destination needs a name.", "options") : o.Name;
        void Require(bool ok, string what)
        {
            if (!ok) throw new ArgumentException($"Google Data Manager destination '{name}': {what}.", "options");
        }

        Require(o.BaseUri is { IsAbsoluteUri: true }, "the base URI must be absolute (https://datamanager.googleapis.com/)");
        Require(!string.IsNullOrWhiteSpace(o.OperatingAccountId), "no operating account id was given");
        Require(!string.IsNullOrWhiteSpace(o.ProductDestinationId), "no product destination id (the user list's id) was given");
        Require(!string.IsNullOrWhiteSpace(o.TokenVariable), "no environment variable was named for the access token");
        Require(o.Limits is not null, "no limits were given");
        Require(o.Limits!.MaxBatchSize is >= 1 and <= MaxMembersPerRequest,
            $"the batch size is {o.Limits.MaxBatchSize}, but a request holds 1 to {MaxMembersPerRequest:N0} audience members");
        Require(AccountTypes.Contains(o.OperatingAccountType), $"unknown operating account type '{o.OperatingAccountType}' (expected one of {string.Join(", ", AccountTypes)})");
        Require(o.LoginAccountId is null || AccountTypes.Contains(o.LoginAccountType), $"unknown login account type '{o.LoginAccountType}'");
        Require(o.LinkedAccountId is null || AccountTypes.Contains(o.LinkedAccountType), $"unknown linked account type '{o.LinkedAccountType}'");
        Require(o.FieldMap is not null && o.FieldMap.Columns.Any(c => !string.IsNullOrWhiteSpace(c)), "the field map names no column");
    }
}
