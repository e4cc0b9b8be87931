using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Cdp.Activation.Destinations.Meta;

/// <summary>Meta's error object: <c>{"error": {"code", "error_subcode", "message", "type", "is_transient"}}</c>.</summary>
internal sealed record MetaError(int? Code, int? Subcode, bool IsTransient)
{
    /// <summary>The reason recorded for it: <c>meta_&lt;code&gt;[_&lt;subcode&gt;]</c>, or <c>http_&lt;status&gt;</c> when the body has no code.</summary>
    public string Reason(int status) => Code is { } code ? Subcode is { } sub ? $"meta_{code}_{sub}" : $"meta_{code}" : $"http_{status}";

    /// <summary>Reads the error object of a body; null when the body is not one (the message is never kept: it may quote data).</summary>
    public static MetaError? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return null;
            return new MetaError(Int(error, "code"), Int(error, "error_subcode"),
                error.TryGetProperty("is_transient", out var t) && t.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? Int(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
}

/// <summary>What an upload's answer means, with the counts Meta reported for an accepted one.</summary>
internal readonly record struct MetaAnswer(DeliveryResponse Response, long Received, long Invalid)
{
    /// <summary>The reason for a 2xx answer that is not the expected JSON.</summary>
    public const string Unreadable = "meta_unreadable_response";

    /// <summary>The restricted-category refusal: such an audience takes no uploads.</summary>
    public const int RestrictedSubcode = 1713230;

    /// <summary>
    /// Reads an answer to <c>POST|DELETE /{audience_id}/users</c>.
    /// <list type="bullet">
    /// <item>2xx with <c>num_received</c>: accepted; <c>num_invalid_entries</c> is kept as a count.
    /// <c>invalid_entry_samples</c> quote the rows (personal data) and are never read.</item>
    /// <item>2xx with anything else: transient <see cref="Unreadable"/>. Counting it as accepted could lose members
    /// silently; resending is safe because adding to (or removing from) a set twice is the same as once.</item>
    /// <item>Otherwise see <see cref="Error"/>.</item>
    /// </list>
    /// </summary>
    public static MetaAnswer Upload(int status, string body, RetryConditionHeaderValue? retryAfter, string? usageHeader, DateTimeOffset now)
    {
        if (status is >= 200 and < 300)
        {
            return ReadCounts(body) is { } counts
                ? new MetaAnswer(DeliveryResponse.Accepted(), counts.Received, counts.Invalid)
                : new MetaAnswer(new DeliveryResponse(DeliveryStatus.Transient, Unreadable), 0, 0);
        }
        return new MetaAnswer(Error(status, body, retryAfter, usageHeader, now, whole: false), 0, 0);
    }

    /// <summary>
    /// Reads a refusal. Restricted category (subcode 1713230) and a bad token (190) disable the audience's sync: they
    /// are reported, not retried. Permission errors (10, 200-299) and a missing audience (subcode 33) likewise, since
    /// they fail every record alike.
    /// Throttling (4, 17, 32, 613, 80000-80014), Meta's transient errors (1, 2, or <c>is_transient</c>), 429 and 5xx are
    /// transient, to be retried after Retry-After or the <c>X-Business-Use-Case-Usage</c> header's
    /// <c>estimated_time_to_regain_access</c> (minutes), whichever is longer. Other 4xx refuse the request
    /// (<c>meta_&lt;code&gt;[_&lt;subcode&gt;]</c>), or, when <paramref name="whole"/> (the audience itself could not be
    /// found or created, which no split of the batch can fix), disable it.
    /// </summary>
    public static DeliveryResponse Error(int status, string body, RetryConditionHeaderValue? retryAfter, string? usageHeader, DateTimeOffset now, bool whole)
    {
        var error = MetaError.Parse(body);
        var reason = error?.Reason(status) ?? $"http_{status}";
        var code = error?.Code;
        if (error?.Subcode == RestrictedSubcode) return new DeliveryResponse(DeliveryStatus.Disabled, $"meta_{RestrictedSubcode}");
        if (code == 190) return new DeliveryResponse(DeliveryStatus.Disabled, "meta_190");
        if (code is 10 or (>= 200 and <= 299)) return new DeliveryResponse(DeliveryStatus.Disabled, reason);
        // The audience in the path is gone (deleted in Ads Manager) or out of reach: no split of the batch can fix that.
        if (error?.Subcode == 33) return new DeliveryResponse(DeliveryStatus.Disabled, reason);
        if (code is 1 or 2 or 4 or 17 or 32 or 341 or 613 or (>= 80000 and <= 80014) || error?.IsTransient == true || status is 429 or >= 500)
            return new DeliveryResponse(DeliveryStatus.Transient, reason, Delay(retryAfter, usageHeader, now));
        if (status is 401 or 403) return new DeliveryResponse(DeliveryStatus.Disabled, reason);
        return new DeliveryResponse(whole ? DeliveryStatus.Disabled : DeliveryStatus.Rejected, reason);
    }

    /// <summary>The longer of Retry-After and the usage header's time to regain access; null when neither says anything.</summary>
    internal static TimeSpan? Delay(RetryConditionHeaderValue? retryAfter, string? usageHeader, DateTimeOffset now)
    {
        TimeSpan? after = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
        if (after < TimeSpan.Zero) after = TimeSpan.Zero;
        var regain = RegainAccess(usageHeader);
        if (regain is { } r && (after is null || r > after)) after = r;
        return after;
    }

    /// <summary>
    /// The largest <c>estimated_time_to_regain_access</c> (minutes) in an <c>X-Business-Use-Case-Usage</c> header
    /// (<c>{"&lt;business id&gt;": [{"type", "call_count", ..., "estimated_time_to_regain_access"}]}</c>); null when absent,
    /// zero or unreadable.
    /// </summary>
    internal static TimeSpan? RegainAccess(string? usageHeader)
    {
        if (string.IsNullOrWhiteSpace(usageHeader)) return null;
        try
        {
            using var doc = JsonDocument.Parse(usageHeader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            double minutes = 0;
            foreach (var business in doc.RootElement.EnumerateObject())
            {
                if (business.Value.ValueKind != JsonValueKind.Array) continue;
                foreach (var usage in business.Value.EnumerateArray())
                {
                    if (usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("estimated_time_to_regain_access", out var m)
                        && m.ValueKind == JsonValueKind.Number && m.TryGetDouble(out var v) && v > minutes)
                        minutes = v;
                }
            }
            return minutes > 0 ? TimeSpan.FromMinutes(minutes) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (long Received, long Invalid)? ReadCounts(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _)) return null;
            if (!root.TryGetProperty("num_received", out var received) || !TryCount(received, out var r)) return null;
            var invalid = 0L;
            if (root.TryGetProperty("num_invalid_entries", out var inv) && !TryCount(inv, out invalid)) return null;
            return (r, invalid);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Graph answers numbers, but some fields arrive as numeric strings.
    private static bool TryCount(JsonElement e, out long n)
    {
        n = 0;
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetInt64(out n) && n >= 0,
            JsonValueKind.String => long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n),
            _ => false,
        };
    }
}
