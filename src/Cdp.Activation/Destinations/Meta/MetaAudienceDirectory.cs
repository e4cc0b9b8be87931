using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Cdp.Activation.Destinations.Meta;

/// <summary>
/// Finds or creates the Custom Audience behind a CDP audience (same name) and remembers its id.
/// </summary>
/// <remarks>
/// Meta does not keep names unique, so idempotence is the client's: before creating, the account's audiences are
/// listed (every page) and an audience of exactly that name is reused, so a re-run, a resumed run or another process
/// finds the audience an earlier one created. Within one process creation is serialised, so parallel first batches
/// create one audience. Two processes starting their very first sync of the same audience at the same instant can
/// still both create one (Meta offers no conditional create); when several audiences share the name, the oldest
/// (lowest id) is used, so both processes converge on the same one afterwards.
/// </remarks>
internal sealed class MetaAudienceDirectory(MetaOptions options, string apiRoot, HttpClient http, string token, TimeProvider clock)
{
    private const int PageSize = 100;
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The audience's id, or the answer to give the batch when it cannot be had now.</summary>
    public async Task<(string? Id, DeliveryResponse? Failure)> ResolveAsync(string audience, CancellationToken ct)
    {
        if (_ids.TryGetValue(audience, out var known)) return (known, null);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ids.TryGetValue(audience, out known)) return (known, null);
            var (found, failure) = await FindAsync(audience, ct).ConfigureAwait(false);
            if (failure is not null) return (null, failure);
            if (found is null)
            {
                (found, failure) = await CreateAsync(audience, ct).ConfigureAwait(false);
                if (failure is not null) return (null, failure);
            }
            _ids[audience] = found!;
            return (found, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets an audience's id (Meta said it no longer exists); the next batch looks it up again.</summary>
    public void Forget(string audience) => _ids.TryRemove(audience, out _);

    private async Task<(string? Id, DeliveryResponse? Failure)> FindAsync(string audience, CancellationToken ct)
    {
        string? best = null;
        string? after = null;
        // Cursors are followed on the configured host only: a 'next' URL from a response is never called with the token.
        for (var page = 0; page < 10_000; page++)
        {
            var url = $"{apiRoot}act_{AccountDigits}/customaudiences?fields=id,name&limit={PageSize}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            using var request = Authorized(HttpMethod.Get, url);
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return (null, Failure(response, body));
            if (!TryReadPage(body, audience, ref best, out after)) return (null, new DeliveryResponse(DeliveryStatus.Transient, MetaAnswer.Unreadable));
            if (after is null) return (best, null);
        }
        throw new InvalidOperationException($"Meta destination '{options.Name}': the audience list of ad account act_{AccountDigits} did not end after 10000 pages.");
    }

    private async Task<(string? Id, DeliveryResponse? Failure)> CreateAsync(string audience, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["name"] = audience,
            ["subtype"] = "CUSTOM",
            ["customer_file_source"] = options.CustomerFileSource,
            ["description"] = $"Audience '{audience}' synced from the customer data platform (destination '{options.Name}').",
        });
        using var request = Authorized(HttpMethod.Post, $"{apiRoot}act_{AccountDigits}/customaudiences");
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return (null, Failure(response, text));
        // An unreadable answer may hide a created audience: the retry lists the account first and finds it.
        return ReadId(text) is { } id ? (id, null) : (null, new DeliveryResponse(DeliveryStatus.Transient, MetaAnswer.Unreadable));
    }

    public HttpRequestMessage Authorized(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private string AccountDigits => options.AdAccountId.StartsWith("act_", StringComparison.Ordinal) ? options.AdAccountId[4..] : options.AdAccountId;

    private DeliveryResponse Failure(HttpResponseMessage response, string body)
        => MetaAnswer.Error((int)response.StatusCode, body, response.Headers.RetryAfter, Header(response, "X-Business-Use-Case-Usage"), clock.GetUtcNow(), whole: true);

    internal static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Reads one page of <c>{"data": [{"id", "name"}], "paging": {"cursors": {"after"}, "next"}}</c>; false when it is not one.</summary>
    private static bool TryReadPage(string body, string audience, ref string? best, out string? after)
    {
        after = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return false;
            foreach (var item in data.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) continue;
                if (!string.Equals(name.GetString(), audience, StringComparison.Ordinal) || IdOf(item) is not { } id) continue;
                if (best is null || Older(id, best)) best = id;
            }
            // Graph lists 'next' only while more pages follow; the cursor alone is also present on the last page.
            if (root.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object && paging.TryGetProperty("next", out var next)
                && next.ValueKind == JsonValueKind.String && paging.TryGetProperty("cursors", out var cursors) && cursors.ValueKind == JsonValueKind.Object
                && cursors.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(a.GetString()))
                after = a.GetString();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ReadId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? IdOf(doc.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A Graph object id: digits only (it goes into a URL path).</summary>
    private static string? IdOf(JsonElement e)
    {
        if (!e.TryGetProperty("id", out var id)) return null;
        var text = id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            JsonValueKind.Number => id.GetRawText(),
            _ => null,
        };
        return !string.IsNullOrEmpty(text) && text.Length <= 30 && text.All(char.IsAsciiDigit) ? text : null;
    }

    private static bool Older(string a, string b) => a.Length != b.Length ? a.Length < b.Length : string.CompareOrdinal(a, b) < 0;
}
