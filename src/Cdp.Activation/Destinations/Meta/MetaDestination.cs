using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Meta;

/// <summary>
/// Meta (Facebook) customer-list Custom Audiences through the Marketing API. Each CDP audience is a Custom Audience of
/// the same name in the ad account, created on first use (<c>subtype=CUSTOM</c>) or found by name when an earlier run or
/// another process created it. Adds and updates are <c>POST /v{N}/{audience_id}/users</c>, removes
/// <c>DELETE /v{N}/{audience_id}/users</c>, with <c>{payload: {schema, data}, session}</c>: the mapped keys present among
/// the batch's columns, each row normalised and hashed (<see cref="MetaNormalization"/>), one one-batch session per
/// batch whose id is derived from the batch id (see <see cref="MetaUpload"/>). The access token goes in the
/// Authorization header (Bearer), never in a URL.
/// </summary>
/// <remarks>
/// A record without any match key value is refused before sending (<c>no_identifier</c>). Meta's
/// <c>invalid_entry_samples</c> quote personal data and are never read; the counts are kept
/// (<see cref="ReceivedEntries"/>, <see cref="InvalidEntries"/>). How answers map to outcomes: <see cref="MetaAnswer"/>.
/// Meta holds a set of matched people, and an update only adds the record's current identifiers: an identifier that
/// changed (an old email) stays matched until the person is removed. A person who left the membership has no export
/// fields left to remove them by; map <c>EXTERN_ID</c> to <c>person_id</c> to remove them by id.
/// </remarks>
public sealed partial class MetaDestination : IDestination
{
    /// <summary>The consent channel of ads audiences.</summary>
    public const string AdsChannel = "ads";

    /// <summary>The reason a batch above Meta's row limit is refused (the executor then splits it).</summary>
    public const string TooManyRows = "meta_too_many_rows";

    private readonly MetaOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly string _apiRoot;
    private readonly MetaAudienceDirectory _audiences;
    private long _received;
    private long _invalid;

    /// <param name="http">The client to call with; its own timeout should be infinite (attempt timeouts are the executor's).</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    public MetaDestination(MetaOptions options, HttpClient http, Func<string, string?>? environment = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        Validate(options);
        _options = options;
        _http = http;
        _clock = clock ?? TimeProvider.System;
        var token = (environment ?? Environment.GetEnvironmentVariable)(options.TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
            throw new InvalidOperationException($"Meta destination '{options.Name}': the environment variable {options.TokenVariable} holding its access token is not set. " +
                "Set it to a system-user access token with the ads_management permission on the ad account.");
        var version = options.ApiVersion.StartsWith('v') ? options.ApiVersion : "v" + options.ApiVersion;
        _apiRoot = options.BaseUri.AbsoluteUri.TrimEnd('/') + "/" + version + "/";
        _audiences = new MetaAudienceDirectory(options, _apiRoot, http, token.Trim(), _clock);
    }

    public string Name => _options.Name;

    public string Channel => AdsChannel;

    public DestinationLimits Limits => _options.Limits;

    /// <summary>The export columns a sync to this destination needs (<see cref="MetaOptions.ExportColumns"/>).</summary>
    public IReadOnlyList<string> ExportColumns => _options.ExportColumns;

    /// <summary>Rows Meta reported receiving, over this instance's accepted uploads.</summary>
    public long ReceivedEntries => Interlocked.Read(ref _received);

    /// <summary>Rows Meta reported as invalid (it gives samples, not which records: they stay accepted).</summary>
    public long InvalidEntries => Interlocked.Read(ref _invalid);

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count > MetaOptions.MaxRowsPerRequest) return new DeliveryResponse(DeliveryStatus.Rejected, TooManyRows);
        var upload = MetaUpload.Build(_options.Name, batch, _options.FieldMap);
        if (upload.Rows.Count == 0) return DeliveryResponse.Accepted() with { Rejections = upload.Rejections };

        var (audienceId, failure) = await _audiences.ResolveAsync(batch.Audience, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return failure;

        // An update whose email, phone or advertiser id changed first takes the old ones off the audience.
        if (MetaUpload.Replaced(_options.Name, batch, _options.FieldMap) is { } replaced)
        {
            var removed = await UploadAsync(HttpMethod.Delete, audienceId!, batch.Audience, replaced, cancellationToken).ConfigureAwait(false);
            if (removed.Status != DeliveryStatus.Accepted) return removed;
        }
        var method = batch.Operation == SyncOperation.Remove ? HttpMethod.Delete : HttpMethod.Post;
        var answer = await UploadAsync(method, audienceId!, batch.Audience, upload, cancellationToken).ConfigureAwait(false);
        return answer.Status == DeliveryStatus.Accepted ? answer with { Rejections = upload.Rejections } : answer;
    }

    private async Task<DeliveryResponse> UploadAsync(HttpMethod method, string audienceId, string audience, MetaUpload upload, CancellationToken cancellationToken)
    {
        using var request = _audiences.Authorized(method, $"{_apiRoot}{audienceId}/users");
        request.Content = new ByteArrayContent(upload.Body()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var answer = MetaAnswer.Upload((int)response.StatusCode, body, response.Headers.RetryAfter,
            MetaAudienceDirectory.Header(response, "X-Business-Use-Case-Usage"), _clock.GetUtcNow());
        if (answer.Response.Status == DeliveryStatus.Disabled) _audiences.Forget(audience);
        if (answer.Response.Status != DeliveryStatus.Accepted) return answer.Response;
        Interlocked.Add(ref _received, answer.Received);
        Interlocked.Add(ref _invalid, answer.Invalid);
        return answer.Response;
    }

    private static void Validate(MetaOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Name)) throw new ArgumentException("A Meta destination needs a name.", nameof(o));
        string Where() => $"Meta destination '{o.Name}'";
        if (o.Limits is null) throw new ArgumentException($"{Where()}: no limits were given.", nameof(o));
        if (o.Limits.MaxBatchSize is < 1 or > MetaOptions.MaxRowsPerRequest)
            throw new ArgumentException($"{Where()}: the batch size {o.Limits.MaxBatchSize} is outside 1..{MetaOptions.MaxRowsPerRequest} " +
                $"(Meta takes at most {MetaOptions.MaxRowsPerRequest} rows per request).", nameof(o));
        if (o.BaseUri is null || !o.BaseUri.IsAbsoluteUri || o.BaseUri.Scheme is not ("https" or "http"))
            throw new ArgumentException($"{Where()}: the base URI must be an absolute http(s) URI such as https://graph.facebook.com/.", nameof(o));
        if (string.IsNullOrEmpty(o.ApiVersion) || !VersionPattern().IsMatch(o.ApiVersion))
            throw new ArgumentException($"{Where()}: the API version '{o.ApiVersion}' is not of the form v25.0.", nameof(o));
        if (string.IsNullOrEmpty(o.AdAccountId) || !AccountPattern().IsMatch(o.AdAccountId))
            throw new ArgumentException($"{Where()}: the ad account id '{o.AdAccountId}' is not digits (optionally prefixed act_).", nameof(o));
        if (string.IsNullOrWhiteSpace(o.TokenVariable)) throw new ArgumentException($"{Where()}: no environment variable was named for the access token.", nameof(o));
        if (o.FieldMap is null || o.FieldMap.Count == 0) throw new ArgumentException($"{Where()}: the field map is empty.", nameof(o));
        foreach (var (key, column) in o.FieldMap)
        {
            if (!MetaNormalization.IsKey(key))
                throw new ArgumentException($"{Where()}: the field map names '{key}', which is not a Meta key ({string.Join(", ", MetaNormalization.Keys)}).", nameof(o));
            if (string.IsNullOrWhiteSpace(column)) throw new ArgumentException($"{Where()}: the field map gives no column for {key}.", nameof(o));
        }
    }

    [GeneratedRegex(@"^v?\d{1,3}\.\d{1,3}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^(act_)?\d{1,30}$")]
    private static partial Regex AccountPattern();
}
