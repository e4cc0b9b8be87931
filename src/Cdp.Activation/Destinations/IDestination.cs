using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations;

/// <summary>
/// A platform that holds an audience's members. A destination turns one batch into one request and the platform's
/// answer into a <see cref="DeliveryResponse"/>; retries, rate limits, concurrency and the ledger are the executor's.
/// </summary>
public interface IDestination
{
    /// <summary>The destination's name, as recorded in the ledger.</summary>
    string Name { get; }

    /// <summary>Its consent channel: members need <c>contactable_&lt;channel&gt;</c>.</summary>
    string Channel { get; }

    /// <summary>The platform's limits.</summary>
    DestinationLimits Limits { get; }

    /// <summary>
    /// Sends one batch. Sending the same <see cref="DeliveryBatch.BatchId"/> again must not apply it twice (the id is the
    /// idempotency key). Transport failures may throw (<see cref="HttpRequestException"/>, <see cref="IOException"/>);
    /// the executor retries them.
    /// </summary>
    Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// Limits of a destination: records per request, requests in flight, requests started per second, and how retries
/// behave (attempts, base delay of the exponential backoff, time allowed to one attempt, longest Retry-After honoured).
/// </summary>
public sealed record DestinationLimits(int MaxBatchSize, int MaxConcurrency, double RequestsPerSecond)
{
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>One request's worth of records, with the names of the export fields and the run that sends it.</summary>
public sealed record DeliveryBatch(string RunId, string Audience, string BatchId, SyncOperation Operation, IReadOnlyList<string> Columns,
    IReadOnlyList<SyncRecord> Records, DateTimeOffset CreatedAt);

/// <summary>How the platform answered one request.</summary>
public enum DeliveryStatus
{
    /// <summary>The batch was taken; some records may still be refused (<see cref="DeliveryResponse.Rejections"/>).</summary>
    Accepted,

    /// <summary>Slow down or try again (429, 5xx, timeouts): retried with backoff.</summary>
    Transient,

    /// <summary>The whole request was refused for good (a 4xx): the executor splits it to find the bad records.</summary>
    Rejected,

    /// <summary>The destination refuses all further requests (a webhook answering 410): the run stops sending to it.</summary>
    Disabled,
}

/// <summary>A platform's answer, as a value. <paramref name="Reason"/> is the platform's code (never personal data).</summary>
public sealed record DeliveryResponse(DeliveryStatus Status, string? Reason = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Records the platform refused although it took the batch, with its reason for each.</summary>
    public IReadOnlyDictionary<long, string> Rejections { get; init; } = new Dictionary<long, string>();

    public static DeliveryResponse Accepted() => new(DeliveryStatus.Accepted);
}
