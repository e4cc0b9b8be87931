using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations;

/// <summary>Where a webhook destination posts, and the environment variable holding its signing secret.</summary>
public sealed record WebhookOptions(string Name, string Channel, Uri Endpoint, string SecretVariable, DestinationLimits Limits)
{
    /// <summary>The message type in the payload.</summary>
    public string EventType { get; init; } = "audience.members.sync";
}

/// <summary>
/// A generic signed webhook (Standard Webhooks). One batch is one POST of
/// <c>{"type", "timestamp", "data": {"audience", "batch_id", "operation", "members": [{"person_id", "fields": {...}}]}}</c>
/// with <c>webhook-id</c> = the batch id (the same on every retry: the receiver deduplicates on it),
/// <c>webhook-timestamp</c> = Unix seconds at the attempt, and <c>webhook-signature</c>.
/// A 2xx answer may list refused records as <c>{"rejected": [{"person_id", "reason"}]}</c>; 410 disables the
/// endpoint; 408, 429 and 5xx are retried (Retry-After honoured); other 4xx refuse the batch with the body's
/// <c>error</c> code as the reason; 401 and 403 (a wrong secret) disable it too.
/// </summary>
public sealed class WebhookDestination : IDestination
{
    private readonly WebhookOptions _options;
    private readonly HttpClient _http;
    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    /// <param name="http">The client to post with; its own timeout should be infinite (attempt timeouts are the executor's).</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    public WebhookDestination(WebhookOptions options, HttpClient http, Func<string, string?>? environment = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        _options = options;
        _http = http;
        _clock = clock ?? TimeProvider.System;
        var secret = (environment ?? Environment.GetEnvironmentVariable)(options.SecretVariable);
        if (string.IsNullOrEmpty(secret))
            throw new InvalidOperationException($"Webhook destination '{options.Name}': the environment variable {options.SecretVariable} holding its signing secret is not set. " +
                "Set it to the secret the receiver gave you (whsec_...).");
        _key = StandardWebhookSignature.Key(secret);
    }

    public string Name => _options.Name;

    public string Channel => _options.Channel;

    public DestinationLimits Limits => _options.Limits;

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        var body = Payload(batch, _options.EventType);
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", batch.BatchId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSignature.Sign(_key, batch.BatchId, timestamp, body));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Interpret(response.StatusCode, response.Headers.RetryAfter, _clock.GetUtcNow(), text);
    }

    /// <summary>The JSON body of a batch.</summary>
    internal static string Payload(DeliveryBatch batch, string eventType)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("type", eventType);
            json.WriteString("timestamp", batch.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteStartObject("data");
            json.WriteString("audience", batch.Audience);
            json.WriteString("batch_id", batch.BatchId);
            json.WriteString("operation", SyncOperations.Name(batch.Operation));
            json.WriteStartArray("members");
            foreach (var r in batch.Records)
            {
                json.WriteStartObject();
                json.WriteNumber("person_id", r.PersonId);
                if (batch.Operation != SyncOperation.Remove)
                {
                    json.WriteStartObject("fields");
                    for (var i = 0; i < batch.Columns.Count; i++) json.WriteString(batch.Columns[i], r.Fields[i]);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static DeliveryResponse Interpret(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, string body)
    {
        var code = (int)status;
        if (code is >= 200 and < 300) return DeliveryResponse.Accepted() with { Rejections = Rejections(body) };
        // A gone endpoint or refused credentials fail every record alike: stop rather than split the batch.
        if (code is 410 or 401 or 403) return new DeliveryResponse(DeliveryStatus.Disabled, $"http_{code}");
        if (code is 408 or 429 or >= 500)
        {
            TimeSpan? after = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
            if (after < TimeSpan.Zero) after = TimeSpan.Zero;
            return new DeliveryResponse(DeliveryStatus.Transient, $"http_{code}", after);
        }
        var error = ErrorCode(body);
        return new DeliveryResponse(DeliveryStatus.Rejected, error is null ? $"http_{code}" : $"http_{code}:{error}");
    }

    /// <summary>Per-record refusals of a 2xx body; a body that is not the expected JSON means none.</summary>
    private static Dictionary<long, string> Rejections(string body)
    {
        var rejections = new Dictionary<long, string>();
        if (string.IsNullOrWhiteSpace(body)) return rejections;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("rejected", out var list) || list.ValueKind != JsonValueKind.Array)
                return rejections;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("person_id", out var id) && id.TryGetInt64(out var personId))
                    rejections[personId] = item.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "rejected";
            }
        }
        catch (JsonException)
        {
            // 2xx is success whatever the body says (Standard Webhooks).
        }
        return rejections;
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
