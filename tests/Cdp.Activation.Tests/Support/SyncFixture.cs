using Cdp.Activation.Sandbox;
using System.Globalization;
using Cdp.Activation.Destinations;
using Cdp.Activation.Execution;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;
using Cdp.Testing;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// A lake in a temp folder (the ledger lives in its gold zone), an engine holding a membership table, and helpers
/// to build webhook destinations against contract servers. The membership has people 1..n: person i has no email
/// consent when i % 10 == 3 and is in the holdout when i % 20 == 7.
/// </summary>
public sealed class SyncFixture : IAsyncDisposable
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string SecretVariable = "CDP_TEST_WEBHOOK_SECRET";
    public static readonly string[] ExportColumns = ["email", "first_name", "phone"];

    private readonly TempDirectory _lake = new("activation");

    public SyncFixture()
    {
        Engine = new DuckDbEngine();
    }

    public DuckDbEngine Engine { get; }

    public string LakePath => _lake.Path;

    public DeltaTable OpenGold(string name) => new(new LocalObjectStore(_lake.Combine("gold", name)), new DuckDbCheckpointFormat(Engine));

    public SyncLedger NewLedger() => new(Engine, OpenGold);

    public AudienceSync NewSync()
    {
        var ledger = NewLedger();
        return new AudienceSync(new SyncPlanner(Engine, ledger), new SyncExecutor(ledger));
    }

    public SyncRequest Request(IDestination destination, string audience = "win_back", string membership = "membership")
        => new(destination.Name, audience, membership, destination.Channel, ExportColumns, destination.Limits.MaxBatchSize);

    public async Task CreateMembershipAsync(int people, string table = "membership")
        => await Engine.ExecuteAsync($"""
            CREATE OR REPLACE TABLE {Sql.Identifier(table)} AS
            SELECT i::BIGINT AS person_id, 'person' || i || '@example.com' AS email, 'Name' || i AS first_name,
                   '+447700' || lpad(i::VARCHAR, 6, '0') AS phone, i % 10 <> 3 AS contactable_email, i % 20 = 7 AS holdout
            FROM range(1, {people + 1}) AS t(i)
            """);

    /// <summary>What the destination should hold: person id → export fields.</summary>
    public async Task<Dictionary<long, Dictionary<string, string?>>> IntendedAsync(string table = "membership")
    {
        var rows = await Engine.QueryAsync($"SELECT person_id, email, first_name, phone FROM {Sql.Identifier(table)} WHERE contactable_email AND NOT holdout");
        return rows.Rows.ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture),
            r => new Dictionary<string, string?> { ["email"] = (string?)r[1], ["first_name"] = (string?)r[2], ["phone"] = (string?)r[3] });
    }

    public async Task<HashSet<long>> ExcludedAsync(string table = "membership")
        => (await Engine.QueryAsync($"SELECT person_id FROM {Sql.Identifier(table)} WHERE NOT contactable_email OR holdout")).Rows
            .Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();

    public static WebhookDestination Webhook(WebhookContractServer server, DestinationLimits limits, string name = "hook", string secret = Secret)
        => new(new WebhookOptions(name, "email", server.Endpoint, SecretVariable, limits), new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            v => v == SecretVariable ? secret : null);

    public static DestinationLimits FastLimits(int batch = 50, int concurrency = 4, double rate = 40) => new(batch, concurrency, rate)
    {
        BaseDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromMilliseconds(800),
        MaxAttempts = 10,
    };

    /// <summary>The ledger's rows as (person_id, event, operation, status, reason, batch_id).</summary>
    public async Task<QueryResult> LedgerRowsAsync()
    {
        var view = await NewLedger().CreateViewAsync("ledger_rows");
        return view is null
            ? new QueryResult([], [])
            : await Engine.QueryAsync($"SELECT person_id, event, operation, status, reason, batch_id, destination, audience FROM {view} ORDER BY \"at\", person_id");
    }

    public static void AssertHolds(Dictionary<long, Dictionary<string, string?>> intended, WebhookContractServer server)
    {
        Assert.Equal(intended.Keys.Order(), server.Members.Keys.Order());
        foreach (var (id, fields) in intended) Assert.Equal(fields.OrderBy(kv => kv.Key), server.Members[id].OrderBy(kv => kv.Key));
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _lake.Dispose();
    }
}
