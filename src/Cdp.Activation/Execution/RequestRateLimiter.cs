namespace Cdp.Activation.Execution;

/// <summary>
/// Spaces request starts at least 1/rate apart (no bursts), across all of a destination's concurrent batches and
/// retries, so any one-second window holds at most about <c>rate</c> starts.
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public RequestRateLimiter(double requestsPerSecond, TimeProvider? clock = null)
    {
        if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "A request rate must be positive.");
        _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Waits for this request's slot.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            var slot = _next > now ? _next : now;
            _next = slot + _interval;
            wait = slot - now;
        }
        return wait > TimeSpan.Zero ? Task.Delay(wait, _clock, cancellationToken) : Task.CompletedTask;
    }
}
