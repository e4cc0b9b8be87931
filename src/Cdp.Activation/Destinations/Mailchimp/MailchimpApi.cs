using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>A Mailchimp answer: the JSON object of a 2xx, or the failure it means for the batch.</summary>
internal sealed record MailchimpAnswer(JsonElement Body, DeliveryResponse? Failure);

/// <summary>
/// Requests to one Mailchimp list (<c>3.0/lists/{list_id}/...</c>) with HTTP Basic authentication (any user, the key as
/// password), and the meaning of each answer: 2xx is a JSON object (anything else is transient
/// <c>mailchimp_unreadable_response</c>: the call may have been applied, and every call is safe to repeat); 401 and
/// 403 disable the destination; 408, 429 and 5xx are transient (Retry-After honoured when present: Mailchimp sends
/// none); other 4xx refuse the request with <c>mailchimp_&lt;status&gt;_&lt;title&gt;</c>. Transport failures throw.
/// At most <c>maxConnections</c> requests are in flight at once, whichever batch or audience they serve: Mailchimp's
/// cap is per account, and the executor bounds batches per audience only.
/// </summary>
internal sealed class MailchimpApi
{
    public const int PageSize = 1000;

    public static readonly DeliveryResponse Unreadable = new(DeliveryStatus.Transient, "mailchimp_unreadable_response");

    private readonly HttpClient _http;
    private readonly string _list;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _connections;

    public MailchimpApi(HttpClient http, Uri root, string listId, string apiKey, int maxConnections, TimeProvider clock)
    {
        _http = http;
        _connections = new SemaphoreSlim(maxConnections, maxConnections);
        Root = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _list = new Uri(Root, "3.0/lists/" + Uri.EscapeDataString(listId)).AbsoluteUri;
        _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cdp:" + apiKey)));
        _clock = clock;
    }

    /// <summary>The API's address (the data centre's, or the configured base).</summary>
    public Uri Root { get; }

    /// <summary>GET of a path under the list (empty: the list itself) with its query.</summary>
    public Task<MailchimpAnswer> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<MailchimpAnswer> PostAsync(string path, string body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    /// <summary>Every item of a collection under the list, a page of <see cref="PageSize"/> at a time.</summary>
    public async Task<(List<JsonElement> Items, DeliveryResponse? Failure)> ListAsync(string path, string query, string collection, CancellationToken ct)
    {
        var items = new List<JsonElement>();
        while (true)
        {
            var answer = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"{path}?{query}count={PageSize}&offset={items.Count}"), ct).ConfigureAwait(false);
            if (answer.Failure is { } failure) return (items, failure);
            if (!answer.Body.TryGetProperty(collection, out var page) || page.ValueKind != JsonValueKind.Array) return (items, Unreadable);
            var before = items.Count;
            items.AddRange(page.EnumerateArray());
            var total = answer.Body.TryGetProperty("total_items", out var t) && t.TryGetInt32(out var n) ? n : items.Count;
            if (items.Count == before || items.Count >= total) return (items, null);
        }
    }

    private async Task<MailchimpAnswer> SendAsync(HttpMethod method, string path, string? body, CancellationToken ct)
    {
        var uri = new Uri(path.Length == 0 ? _list : path[0] == '?' ? _list + path : _list + "/" + path);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = _authorization;
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        await _connections.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return Interpret(response.StatusCode, response.Headers.RetryAfter, _clock.GetUtcNow(), text);
        }
        finally
        {
            _connections.Release();
        }
    }

    internal static MailchimpAnswer Interpret(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, string body)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return TryParseObject(body) is { } json ? new MailchimpAnswer(json, null) : Failed(Unreadable);
        if (code is 401 or 403) return Failed(new DeliveryResponse(DeliveryStatus.Disabled, $"mailchimp_{code}"));
        if (code is 408 or 429 or >= 500)
        {
            TimeSpan? after = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
            if (after < TimeSpan.Zero) after = TimeSpan.Zero;
            return Failed(new DeliveryResponse(DeliveryStatus.Transient, $"mailchimp_{code}", after));
        }
        var title = TryParseObject(body) is { } problem && problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? Slug(t.GetString()!) : "";
        return Failed(new DeliveryResponse(DeliveryStatus.Rejected, title.Length == 0 ? $"mailchimp_{code}" : $"mailchimp_{code}_{title}"));
    }

    /// <summary>
    /// A platform word made safe for a reason code: lowercase letters, digits and single underscores, at most 40
    /// characters (Mailchimp's titles and codes are fixed words; this keeps anything else, an address included, short
    /// and inert).
    /// </summary>
    internal static string Slug(string text)
    {
        var slug = new StringBuilder(Math.Min(text.Length, 40));
        foreach (var c in text.ToLowerInvariant())
        {
            if (slug.Length == 40) break;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '_') slug.Append('_');
        }
        return slug.ToString().TrimEnd('_');
    }

    private static MailchimpAnswer Failed(DeliveryResponse failure) => new(default, failure);

    private static JsonElement? TryParseObject(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
