using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cdp.Activation.Sandbox;

/// <summary>A request as a contract server sees it: method, path (no query), query, headers and the body as text.</summary>
public sealed record ContractRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, Func<string, string?> Header, string Body);

/// <summary>A contract server's answer. <paramref name="Delay"/> holds the answer back (a slow platform).</summary>
public sealed record ContractResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    public static ContractResponse Json(int status, string body, int? retryAfterSeconds = null)
        => new(status, body, retryAfterSeconds is { } s ? new Dictionary<string, string> { ["Retry-After"] = s.ToString(CultureInfo.InvariantCulture) } : null);
}

/// <summary>
/// Faults a contract server injects, drawn from a seeded generator so a run is repeatable: 500s, bursts of 429 with
/// Retry-After, and answers held back past a client's timeout (half of them applied first, half not).
/// </summary>
public sealed class FaultPlan
{
    /// <summary>Fraction of requests answered 500 before applying anything.</summary>
    public double FailureRate { get; set; }

    /// <summary>Fraction of requests that start a burst of <see cref="BurstLength"/> 429s with Retry-After.</summary>
    public double BurstRate { get; set; }

    public int BurstLength { get; set; } = 3;

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Fraction of requests answered only after <see cref="SlowDelay"/>.</summary>
    public double SlowRate { get; set; }

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>When set, every request is answered with this status (a platform that is down or refuses the account).</summary>
    public int? ForcedStatus { get; set; }

    /// <summary>When set, every request is answered 200 with this body (a platform answering garbage).</summary>
    public string? GarbageBody { get; set; }
}

/// <summary>
/// The plumbing every contract server shares: an HTTP listener on 127.0.0.1 and a free port, a request-rate limit
/// over a sliding second (429 beyond it), an optional cap on requests in flight, seeded fault injection, and counters. Subclasses check the platform's
/// request shape, apply valid requests to the state they keep, and answer as the platform does. Requests are
/// handled one at a time under a lock, so the state is always consistent.
/// </summary>
public abstract class ContractServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Task _loop;
    private int _burstLeft;
    private int _inFlight;

    /// <param name="rateLimit">Requests allowed in any one second; beyond it the platform's own 429.</param>
    /// <param name="seed">Seeds the fault injection.</param>
    protected ContractServer(int rateLimit, int seed)
    {
        RateLimit = rateLimit;
        Random = new Random(seed);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Requests allowed in any one second.</summary>
    public int RateLimit { get; set; }

    public FaultPlan Faults { get; } = new();

    /// <summary>Guards the state: subclasses read and write their state only under it.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The seeded generator behind the faults (use only under <see cref="Gate"/>).</summary>
    protected Random Random { get; }

    public int Requests { get; private set; }

    /// <summary>429s for requests above the rate limit (not injected ones).</summary>
    public int RateViolations { get; private set; }

    public int InjectedFaults { get; private set; }

    /// <summary>Requests refused because <see cref="MaxInFlight"/> were already being served.</summary>
    public int ConcurrencyViolations { get; private set; }

    /// <summary>The most requests held at once (received and not yet answered), refused ones included.</summary>
    public int PeakInFlight { get; private set; }

    /// <summary>Resets the request counters (not the state) to measure one run; subclasses reset their own in <see cref="OnResetCounters"/>.</summary>
    public void ResetCounters()
    {
        lock (Gate)
        {
            Requests = RateViolations = InjectedFaults = ConcurrencyViolations = PeakInFlight = 0;
            OnResetCounters();
        }
    }

    protected virtual void OnResetCounters()
    {
    }

    /// <summary>
    /// Most requests the platform serves at once (a cap on simultaneous connections); the next one meanwhile gets
    /// <see cref="TooManyInFlight"/>. Null (the default): no cap.
    /// </summary>
    protected virtual int? MaxInFlight => null;

    /// <summary>The platform's answer to a request above <see cref="MaxInFlight"/>.</summary>
    protected virtual ContractResponse TooManyInFlight() => ContractResponse.Json(429, """{"error":"too_many_connections"}""");

    /// <summary>The platform's answer to a request past the rate limit.</summary>
    protected virtual ContractResponse RateLimited() => ContractResponse.Json(429, """{"error":"rate_limited"}""", 1);

    /// <summary>The platform's answer to an injected burst of throttling.</summary>
    protected virtual ContractResponse Throttled(int retryAfterSeconds) => ContractResponse.Json(429, """{"error":"slow_down"}""", retryAfterSeconds);

    /// <summary>The platform's answer to an injected server error.</summary>
    protected virtual ContractResponse ServerError() => new(500, "oops, not json");

    /// <summary>
    /// Checks authentication and anything that must be refused before faults are drawn; null lets the request on.
    /// Called under <see cref="Gate"/>.
    /// </summary>
    protected virtual ContractResponse? Authenticate(ContractRequest request) => null;

    /// <summary>Checks, applies and answers one request. Called under <see cref="Gate"/>.</summary>
    protected abstract ContractResponse Handle(ContractRequest request);

    private ContractResponse Decide(ContractRequest request)
    {
        lock (Gate)
        {
            Requests++;
            var now = DateTimeOffset.UtcNow;
            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromSeconds(1)) _recent.Dequeue();
            _recent.Enqueue(now);
            if (_recent.Count > RateLimit)
            {
                RateViolations++;
                return RateLimited();
            }
            if (Authenticate(request) is { } refused) return refused;
            if (Faults.ForcedStatus is { } forced) return ContractResponse.Json(forced, """{"error":"forced"}""");
            if (Faults.GarbageBody is { } garbage) return new ContractResponse(200, garbage);
            if (_burstLeft > 0 || Random.NextDouble() < Faults.BurstRate)
            {
                _burstLeft = _burstLeft > 0 ? _burstLeft - 1 : Faults.BurstLength - 1;
                InjectedFaults++;
                return Throttled(Faults.RetryAfterSeconds);
            }
            if (Random.NextDouble() < Faults.FailureRate)
            {
                InjectedFaults++;
                return ServerError();
            }
            if (Random.NextDouble() < Faults.SlowRate)
            {
                InjectedFaults++;
                if (Random.NextDouble() < 0.5) return ServerError() with { Delay = Faults.SlowDelay }; // timed out before applying
                return Handle(request) with { Delay = Faults.SlowDelay }; // applied, then too slow to answer
            }
            return Handle(request);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        // Counted from arrival to the answer's last byte, held-back answers included: what a connection cap sees.
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
            var query = context.Request.QueryString;
            var parameters = query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k] ?? "", StringComparer.Ordinal);
            var headers = context.Request.Headers;
            var request = new ContractRequest(context.Request.HttpMethod, Uri.UnescapeDataString(context.Request.Url!.AbsolutePath), parameters, name => headers[name], body);
            ContractResponse response;
            try
            {
                response = TooBusy(inFlight) ?? Decide(request);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A body the platform cannot read: its 400, never a crash of the server.
                response = ContractResponse.Json(400, $$"""{"error":"malformed_request","detail":"{{e.GetType().Name}}"}""");
            }
            if (response.Delay > TimeSpan.Zero) await Task.Delay(response.Delay).ConfigureAwait(false);
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (its attempt timed out): nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private ContractResponse? TooBusy(int inFlight)
    {
        lock (Gate)
        {
            PeakInFlight = Math.Max(PeakInFlight, inFlight);
            if (MaxInFlight is not { } max || inFlight <= max) return null;
            ConcurrencyViolations++;
            return TooManyInFlight();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
