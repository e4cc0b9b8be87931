using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// A Standard Webhooks receiver on 127.0.0.1 and a free port that enforces the contract and keeps the state a
/// receiver keeps: the members it holds and their fields. It refuses a bad signature or a stale timestamp (401),
/// a batch above <see cref="MaxBatchSize"/> (413), more than <see cref="RateLimit"/> requests in any second (429),
/// and deduplicates on webhook-id (a retried message is answered as before and applied once). Faults can be
/// injected: 500s at a seeded rate, bursts of 429 with Retry-After, responses delayed past the client's timeout
/// (applied or not), records refused whole-batch (422) when a field contains <see cref="PoisonMarker"/>.
/// </summary>
public sealed class WebhookContractServer : IAsyncDisposable
{
    public const string PoisonMarker = "\u2620poison";

    private readonly HttpListener _listener = new();
    private readonly byte[] _key;
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Dictionary<string, (int Status, string Body)> _answered = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _burstLeft;

    public WebhookContractServer(string secret, int maxBatchSize, int rateLimit, int seed = 1)
    {
        _key = Convert.FromBase64String(secret["whsec_".Length..]);
        MaxBatchSize = maxBatchSize;
        RateLimit = rateLimit;
        _random = new Random(seed);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Endpoint = new Uri($"http://127.0.0.1:{port}/hooks/audience");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; private set; } = null!;

    public int MaxBatchSize { get; }

    public int RateLimit { get; }

    /// <summary>Fraction of requests answered 500 (before applying).</summary>
    public double FailureRate { get; set; }

    /// <summary>Fraction of requests that start a burst of <see cref="BurstLength"/> 429s with Retry-After: 1.</summary>
    public double BurstRate { get; set; }

    public int BurstLength { get; set; } = 3;

    /// <summary>Fraction of requests answered only after <see cref="SlowDelay"/> (half of them applied first).</summary>
    public double SlowRate { get; set; }

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>When set, every request is answered with this status (a failing destination).</summary>
    public int? ForcedStatus { get; set; }

    /// <summary>The members held, with their fields.</summary>
    public Dictionary<long, Dictionary<string, string?>> Members { get; } = [];

    /// <summary>Every person that appeared in any payload, signed and accepted or not.</summary>
    public HashSet<long> EverReceived { get; } = [];

    /// <summary>Operations applied, per person (each message applied once).</summary>
    public Dictionary<long, int> AppliedPerPerson { get; } = [];

    /// <summary>Operations that changed nothing: an add or update with the fields already held, a remove of someone not held.</summary>
    public int RedundantOperations { get; private set; }

    public int AppliedOperations { get; private set; }

    public int Requests { get; private set; }

    public int BadSignatures { get; private set; }

    public int OversizedBatches { get; private set; }

    /// <summary>429s for requests above the rate limit (not injected ones).</summary>
    public int RateViolations { get; private set; }

    public int InjectedFaults { get; private set; }

    public int DuplicateDeliveries { get; private set; }

    /// <summary>Resets the counters of operations (not the state), to measure one run.</summary>
    public void ResetCounters()
    {
        lock (_lock)
        {
            AppliedPerPerson.Clear();
            RedundantOperations = AppliedOperations = Requests = BadSignatures = OversizedBatches = RateViolations = InjectedFaults = DuplicateDeliveries = 0;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
            var (status, answer, retryAfter, delay) = Decide(context.Request, body);
            if (delay > TimeSpan.Zero) await Task.Delay(delay);
            context.Response.StatusCode = status;
            if (retryAfter is { } seconds) context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (its attempt timed out): nothing to answer.
        }
    }

    private (int Status, string Body, int? RetryAfter, TimeSpan Delay) Decide(HttpListenerRequest request, string body)
    {
        lock (_lock)
        {
            Requests++;
            var now = DateTimeOffset.UtcNow;
            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromSeconds(1)) _recent.Dequeue();
            _recent.Enqueue(now);
            if (_recent.Count > RateLimit)
            {
                RateViolations++;
                return (429, """{"error":"rate_limited"}""", 1, TimeSpan.Zero);
            }

            var id = request.Headers["webhook-id"];
            var ts = request.Headers["webhook-timestamp"];
            var signature = request.Headers["webhook-signature"];
            if (id is null || ts is null || signature is null || !long.TryParse(ts, out var seconds)
                || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300
                || !signature.Split(' ').Contains("v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{ts}.{body}")))))
            {
                BadSignatures++;
                return (401, """{"error":"bad_signature"}""", null, TimeSpan.Zero);
            }
            if (ForcedStatus is { } forced) return (forced, "{}", null, TimeSpan.Zero);
            if (_answered.TryGetValue(id, out var previous))
            {
                DuplicateDeliveries++;
                return (previous.Status, previous.Body, null, TimeSpan.Zero);
            }

            if (_burstLeft > 0 || _random.NextDouble() < BurstRate)
            {
                _burstLeft = _burstLeft > 0 ? _burstLeft - 1 : BurstLength - 1;
                InjectedFaults++;
                return (429, """{"error":"slow_down"}""", 1, TimeSpan.Zero);
            }
            if (_random.NextDouble() < FailureRate)
            {
                InjectedFaults++;
                return (500, "oops, not json", null, TimeSpan.Zero);
            }
            var slow = _random.NextDouble() < SlowRate;
            if (slow && _random.NextDouble() < 0.5)
            {
                InjectedFaults++;
                return (503, "{}", null, SlowDelay); // timed out before applying
            }

            using var doc = JsonDocument.Parse(body);
            var data = doc.RootElement.GetProperty("data");
            var operation = data.GetProperty("operation").GetString();
            var members = data.GetProperty("members").EnumerateArray().ToList();
            foreach (var m in members) EverReceived.Add(m.GetProperty("person_id").GetInt64());
            if (members.Count > MaxBatchSize)
            {
                OversizedBatches++;
                return (413, """{"error":"batch_too_large"}""", null, TimeSpan.Zero);
            }
            if (members.Any(m => m.TryGetProperty("fields", out var f) && f.EnumerateObject().Any(p => p.Value.GetString()?.Contains(PoisonMarker, StringComparison.Ordinal) == true)))
                return (422, """{"error":"invalid_field_value"}""", null, TimeSpan.Zero);

            foreach (var m in members)
            {
                var personId = m.GetProperty("person_id").GetInt64();
                AppliedOperations++;
                AppliedPerPerson[personId] = AppliedPerPerson.GetValueOrDefault(personId) + 1;
                if (operation == "remove")
                {
                    if (!Members.Remove(personId)) RedundantOperations++;
                    continue;
                }
                var fields = m.GetProperty("fields").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
                if (Members.TryGetValue(personId, out var held) && held.Count == fields.Count && held.All(kv => fields.TryGetValue(kv.Key, out var v) && v == kv.Value))
                    RedundantOperations++;
                Members[personId] = fields;
            }
            _answered[id] = (200, """{"ok":true}""");
            InjectedFaults += slow ? 1 : 0;
            return (200, """{"ok":true}""", null, slow ? SlowDelay : TimeSpan.Zero); // applied, then too slow to answer
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
    }
}
