using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Activation.Sandbox;

/// <summary>
/// A Standard Webhooks receiver that enforces the contract and keeps the state a receiver keeps: the members it holds
/// and their fields. It refuses a bad signature or a timestamp more than 5 minutes off (401), a batch above
/// <see cref="MaxBatchSize"/> (413), and a batch with a field containing <see cref="PoisonMarker"/> (422, whole
/// batch); it deduplicates on webhook-id (a retried message is answered as before and applied once).
/// Posts go to <see cref="Endpoint"/>; the payload is <c>{type, timestamp, data: {audience, batch_id, operation, members: [{person_id, fields}]}}</c>.
/// </summary>
public sealed class WebhookContractServer : ContractServer
{
    public const string PoisonMarker = "\u2620poison";

    private readonly byte[] _key;
    private readonly Dictionary<string, ContractResponse> _answered = new(StringComparer.Ordinal);

    /// <param name="secret">The signing secret, <c>whsec_</c> + base64.</param>
    public WebhookContractServer(string secret, int maxBatchSize, int rateLimit, int seed = 1) : base(rateLimit, seed)
    {
        _key = Convert.FromBase64String(secret["whsec_".Length..]);
        MaxBatchSize = maxBatchSize;
    }

    public Uri Endpoint => new(BaseUri, "hooks/audience");

    public int MaxBatchSize { get; }

    /// <summary>The members held, with their fields.</summary>
    public Dictionary<long, Dictionary<string, string?>> Members { get; } = [];

    /// <summary>Every person that appeared in any signed payload, applied or not.</summary>
    public HashSet<long> EverReceived { get; } = [];

    /// <summary>Operations applied, per person (each message applied once).</summary>
    public Dictionary<long, int> AppliedPerPerson { get; } = [];

    /// <summary>Operations that changed nothing: an add or update with the fields already held, a remove of someone not held.</summary>
    public int RedundantOperations { get; private set; }

    public int AppliedOperations { get; private set; }

    public int BadSignatures { get; private set; }

    public int OversizedBatches { get; private set; }

    public int DuplicateDeliveries { get; private set; }

    protected override void OnResetCounters()
    {
        AppliedPerPerson.Clear();
        RedundantOperations = AppliedOperations = BadSignatures = OversizedBatches = DuplicateDeliveries = 0;
    }

    protected override ContractResponse? Authenticate(ContractRequest request)
    {
        var id = request.Header("webhook-id");
        var ts = request.Header("webhook-timestamp");
        var signature = request.Header("webhook-signature");
        if (id is null || ts is null || signature is null || !long.TryParse(ts, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300
            || !signature.Split(' ').Contains("v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{ts}.{request.Body}")))))
        {
            BadSignatures++;
            return ContractResponse.Json(401, """{"error":"bad_signature"}""");
        }
        if (Faults.ForcedStatus is null && Faults.GarbageBody is null && _answered.TryGetValue(id, out var previous))
        {
            DuplicateDeliveries++;
            return previous;
        }
        return null;
    }

    protected override ContractResponse Handle(ContractRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var data = doc.RootElement.GetProperty("data");
        var operation = data.GetProperty("operation").GetString();
        var members = data.GetProperty("members").EnumerateArray().ToList();
        foreach (var m in members) EverReceived.Add(m.GetProperty("person_id").GetInt64());
        if (members.Count > MaxBatchSize)
        {
            OversizedBatches++;
            return ContractResponse.Json(413, """{"error":"batch_too_large"}""");
        }
        if (members.Any(m => m.TryGetProperty("fields", out var f) && f.EnumerateObject().Any(p => p.Value.GetString()?.Contains(PoisonMarker, StringComparison.Ordinal) == true)))
            return ContractResponse.Json(422, """{"error":"invalid_field_value"}""");

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
        var answer = ContractResponse.Json(200, """{"ok":true}""");
        _answered[request.Header("webhook-id")!] = answer;
        return answer;
    }
}
