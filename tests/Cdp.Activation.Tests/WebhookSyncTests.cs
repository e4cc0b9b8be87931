using Cdp.Activation.Sandbox;
using System.Diagnostics;
using Cdp.Activation.Destinations;
using Cdp.Activation.Execution;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

public class WebhookSyncTests
{
    [Fact]
    public async Task SyncUnderFaultsEndsWithExactlyTheIntendedMembersEachAppliedOnce()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(1000);
        await using var server = new WebhookContractServer(SyncFixture.Secret, maxBatchSize: 50, rateLimit: 50, seed: 7)
        {
            Faults = { FailureRate = 0.05, BurstRate = 0.03, BurstLength = 3, SlowRate = 0.04, SlowDelay = TimeSpan.FromSeconds(1.5) },
        };
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 50, concurrency: 4, rate: 40));

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);
        Assert.True(server.InjectedFaults > 0, "the server injected no fault");
        Assert.Equal(0, server.RedundantOperations);
        Assert.All(server.AppliedPerPerson.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, server.RateViolations);
        Assert.Equal(0, server.OversizedBatches);
        Assert.Equal(0, server.BadSignatures);
        Assert.Equal(850, report.Accepted);
        // Consent and holdout: nobody excluded ever appeared in a payload.
        Assert.Empty(server.EverReceived.Intersect(await fx.ExcludedAsync()));

        // Every record has an intent and an accepted outcome in the ledger.
        var ledger = (await fx.LedgerRowsAsync()).Rows;
        Assert.Equal(850, ledger.Count(r => (string)r[1]! == "intent"));
        Assert.Equal(850, ledger.Count(r => (string)r[1]! == "outcome" && (string)r[3]! == "accepted"));
    }

    [Fact]
    public async Task RequestRateStaysUnderTheDestinationsLimit()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(100);
        await using var server = new WebhookContractServer(SyncFixture.Secret, maxBatchSize: 10, rateLimit: 5);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 10, concurrency: 4, rate: 4));
        var clock = Stopwatch.StartNew();

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1"))[0];

        Assert.True(report.Complete);
        Assert.Equal(0, server.RateViolations);
        Assert.InRange(server.Requests, 9, 11); // 85 people in batches of 10 (a cold first attempt may time out once)
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"9 requests at 4/s took {clock.Elapsed}");
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);
    }

    [Fact]
    public async Task SecondRunWithTenPercentChangedSendsOnlyTheChanges()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(1000);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 100, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 100, rate: 80));
        Assert.True((await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1"))[0].Complete);

        // 10% of members changed: 50 new emails, 20 people leave, 20 lose consent, 10 join.
        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET email = 'moved' || person_id || '@example.net' WHERE person_id % 20 = 1;
            DELETE FROM membership WHERE person_id % 50 = 2;
            UPDATE membership SET contactable_email = false WHERE person_id % 50 = 4;
            INSERT INTO membership SELECT i, 'late' || i || '@example.com', 'Late', NULL, true, false FROM range(1001, 1011) t(i);
            """);
        var changed = new HashSet<long>(Enumerable.Range(1, 1010).Where(i => i % 20 == 1 || i % 50 is 2 or 4 || i > 1000).Select(i => (long)i));
        server.ResetCounters();

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-2"))[0];

        Assert.True(report.Complete);
        Assert.Equal(50, report.Plan.Updates);
        Assert.Equal(40, report.Plan.Removes);
        Assert.Equal(10, report.Plan.Adds);
        Assert.Equal(changed.Order(), server.AppliedPerPerson.Keys.Order());
        Assert.Equal(100, server.AppliedOperations);
        Assert.Equal(0, server.RedundantOperations);
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);

        // A third run with nothing changed sends nothing.
        server.ResetCounters();
        var idle = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-3"))[0];
        Assert.Equal(0, idle.Plan.Operations);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task PoisonRecordsAreRejectedWithTheirReasonAndTheRestOfTheBatchGoesThrough()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(120);
        await fx.Engine.ExecuteAsync($"UPDATE membership SET first_name = 'Bad {WebhookContractServer.PoisonMarker}' WHERE person_id IN (11, 12, 57)");
        await using var server = new WebhookContractServer(SyncFixture.Secret, 40, 200);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 40, rate: 150));

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1"))[0];

        Assert.Equal(3, report.Rejected);
        Assert.Equal(99, report.Accepted);
        Assert.Equal(3, report.RejectionReasons["http_422:invalid_field_value"]);
        var intended = await fx.IntendedAsync();
        foreach (var id in new long[] { 11, 12, 57 }) intended.Remove(id);
        SyncFixture.AssertHolds(intended, server);
        var rejected = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[3]! == "rejected").ToList();
        Assert.Equal([11L, 12L, 57L], rejected.Select(r => (long)r[0]!).Order());
        Assert.All(rejected, r => Assert.False(string.IsNullOrEmpty((string?)r[4])));

        // Unchanged poison records are not resent; once fixed they are.
        server.ResetCounters();
        var again = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-2"))[0];
        Assert.Equal(3, again.Plan.SkippedRejected);
        Assert.Equal(0, server.Requests);
        await fx.Engine.ExecuteAsync("UPDATE membership SET first_name = 'Fixed' WHERE person_id IN (11, 12, 57)");
        var fixedRun = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-3"))[0];
        Assert.Equal(3, fixedRun.Accepted);
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);
    }

    [Fact]
    public async Task HostileValuesAndAudienceNamesSurviveExactly()
    {
        await using var fx = new SyncFixture();
        await fx.Engine.ExecuteAsync(""""
            CREATE TABLE "odd ""members""" AS SELECT * FROM (VALUES
                (1::BIGINT, 'o''brien+"x"@exämple.com', 'Zoë "Zed" O''Brien', '+33 (0)6 12,34', true, false),
                (2::BIGINT, '"; DROP TABLE membership; --', 'Robert''); DELETE FROM sync_ledger;--', NULL, true, false),
                (3::BIGINT, 'émoji😀@例え.jp', E'line1\nline2\r\n\ttab', '', true, false),
                (4::BIGINT, '\u0000-free but \\ backslash', 'Ñandú — ✓', '０１２', true, false)
            ) t(person_id, email, first_name, phone, contactable_email, holdout)
            """");
        await using var server = new WebhookContractServer(SyncFixture.Secret, 10, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 10));
        var audience = "VIP's \"best\"; DROP TABLE x; -- ünïcode/../";

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook, audience, "\"odd \"\"members\"\"\""))], "run-'1'"))[0];

        Assert.True(report.Complete, report.Error);
        SyncFixture.AssertHolds(await fx.IntendedAsync("odd \"members\""), server);
        var ledger = (await fx.LedgerRowsAsync()).Rows;
        Assert.All(ledger, r => Assert.Equal(audience, (string)r[7]!));
    }

    [Fact]
    public async Task WrongSecretDisablesTheDestinationAndLeavesRecordsPending()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(30);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 10, 100);
        // A generous attempt timeout: a first request slowed past the usual 800 ms on a loaded machine would be retried,
        // and this test counts requests.
        var limits = SyncFixture.FastLimits(batch: 10, concurrency: 1) with { AttemptTimeout = TimeSpan.FromSeconds(30) };
        var hook = SyncFixture.Webhook(server, limits, secret: "whsec_" + Convert.ToBase64String(new byte[24]));

        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1"))[0];

        Assert.True(report.Disabled);
        Assert.Equal(25, report.Pending);
        Assert.Empty(server.Members);
        Assert.True(server.BadSignatures >= 1);
        Assert.Equal(1, server.Requests); // the first 401 stops the destination
    }

    [Fact]
    public async Task AFailingDestinationDoesNotDelayTheOthers()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(200);
        await using var healthyServer = new WebhookContractServer(SyncFixture.Secret, 50, 100);
        await using var failingServer = new WebhookContractServer(SyncFixture.Secret, 50, 100) { Faults = { ForcedStatus = 503 } };
        var healthy = new TimedDestination(SyncFixture.Webhook(healthyServer, SyncFixture.FastLimits(batch: 50, concurrency: 1), "healthy"));
        var failing = new TimedDestination(SyncFixture.Webhook(failingServer, SyncFixture.FastLimits(batch: 50, concurrency: 1) with
        {
            MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(300),
        }, "failing"));

        var reports = await fx.NewSync().RunAsync([new(failing, fx.Request(failing)), new(healthy, fx.Request(healthy))], "run-1");

        Assert.True(reports[1].Complete);
        SyncFixture.AssertHolds(await fx.IntendedAsync(), healthyServer);
        Assert.Equal(170, reports[0].Pending);
        Assert.Equal(0, reports[0].Accepted);
        Assert.True(healthy.LastReturn < failing.LastReturn - TimeSpan.FromSeconds(1),
            $"the healthy destination finished at {healthy.LastReturn}, the failing one at {failing.LastReturn}");
        var failed = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[6]! == "failing" && (string)r[1]! == "outcome").ToList();
        Assert.Equal(170, failed.Count);
        Assert.All(failed, r => Assert.Equal("pending", (string)r[3]!));
        Assert.All(failed, r => Assert.Equal("retries exhausted: http_503", (string)r[4]!));
    }

    /// <summary>Records when each send returned.</summary>
    private sealed class TimedDestination(IDestination inner) : IDestination
    {
        private static readonly Stopwatch Clock = Stopwatch.StartNew();
        private long _lastTicks;

        public TimeSpan LastReturn => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks));

        public string Name => inner.Name;

        public string Channel => inner.Channel;

        public DestinationLimits Limits => inner.Limits;

        public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.SendAsync(batch, cancellationToken);
            }
            finally
            {
                Interlocked.Exchange(ref _lastTicks, Clock.Elapsed.Ticks);
            }
        }
    }
}
