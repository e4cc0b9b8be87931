using Cdp.Activation.Destinations;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Cdp.Activation.Execution;

/// <summary>
/// Sends one request with retries: each attempt waits for the destination's rate slot and has its own timeout;
/// transient answers (429, 5xx), timeouts and transport errors are retried with exponential backoff and jitter,
/// waiting at least the platform's Retry-After when it gave one.
/// </summary>
internal sealed class DeliveryPipeline
{
    private readonly IDestination _destination;
    private readonly RequestRateLimiter _limiter;
    private readonly ResiliencePipeline<DeliveryResponse> _pipeline;
    private int _requests;

    public DeliveryPipeline(IDestination destination, TimeProvider? clock = null)
    {
        _destination = destination;
        var limits = destination.Limits;
        _limiter = new RequestRateLimiter(limits.RequestsPerSecond, clock);
        var builder = new ResiliencePipelineBuilder<DeliveryResponse>();
        if (clock is not null) builder.TimeProvider = clock;
        _pipeline = builder
            .AddRetry(new RetryStrategyOptions<DeliveryResponse>
            {
                MaxRetryAttempts = Math.Max(0, limits.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = limits.BaseDelay,
                MaxDelay = limits.MaxRetryAfter,
                ShouldHandle = new PredicateBuilder<DeliveryResponse>()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.Status == DeliveryStatus.Transient),
                // Retry-After is the platform's minimum; without one the exponential backoff applies.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after
                    ? (TimeSpan?)(after > limits.MaxRetryAfter ? limits.MaxRetryAfter : after)
                    : null),
            })
            .AddTimeout(limits.AttemptTimeout)
            .Build();
    }

    /// <summary>Requests started, retries included.</summary>
    public int Requests => _requests;

    /// <summary>
    /// The platform's final answer. Retries exhausted on a transport failure or timeout are a transient answer naming
    /// the failure; cancellation of <paramref name="cancellationToken"/> propagates.
    /// </summary>
    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct =>
            {
                await _limiter.WaitAsync(ct).ConfigureAwait(false);
                Interlocked.Increment(ref _requests);
                return await _destination.SendAsync(batch, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return new DeliveryResponse(DeliveryStatus.Transient, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResponse(DeliveryStatus.Transient, "transport:" + (e.HttpRequestError.ToString()));
        }
        catch (IOException)
        {
            return new DeliveryResponse(DeliveryStatus.Transient, "transport:io");
        }
    }
}
