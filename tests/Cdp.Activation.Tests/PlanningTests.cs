using Cdp.Activation.Sandbox;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

public class PlanningTests
{
    [Fact]
    public async Task FirstPlanAddsQualifyingMembersInBatchesAndCountsExclusions()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(200);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 30, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 30));

        var plan = (await fx.NewSync().PlanAsync([new(hook, fx.Request(hook))]))[0];

        // 200 people: 10 in the holdout (i % 20 == 7), 20 without consent (i % 10 == 3); no one is both.
        Assert.Equal(200, plan.Counts.Members);
        Assert.Equal(10, plan.Counts.ExcludedHoldout);
        Assert.Equal(20, plan.Counts.ExcludedNoConsent);
        Assert.Equal(170, plan.Counts.Qualifying);
        Assert.Equal(170, plan.Counts.Adds);
        Assert.Equal(0, plan.Counts.Updates + plan.Counts.Removes);
        Assert.Equal(6, plan.Counts.BatchCount); // ceil(170 / 30)
        Assert.All(plan.Batches, b => Assert.True(b.Records.Count <= 30));
        var planned = plan.Batches.SelectMany(b => b.Records).Select(r => r.PersonId).ToHashSet();
        Assert.Equal((await fx.IntendedAsync()).Keys.Order(), planned.Order());
        // A dry run sends nothing and records nothing.
        Assert.Equal(0, server.Requests);
        Assert.Empty((await fx.LedgerRowsAsync()).Rows);
    }

    [Fact]
    public async Task PlanAfterASyncDiffsAddsUpdatesAndRemoves()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(100);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 25, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 25));
        var first = await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-1");
        Assert.True(first[0].Complete, first[0].Error);

        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET email = 'changed' || person_id || '@example.org' WHERE person_id IN (1, 2, 4);
            UPDATE membership SET first_name = NULL WHERE person_id = 5;
            UPDATE membership SET contactable_email = false WHERE person_id = 6;
            UPDATE membership SET holdout = true WHERE person_id = 8;
            UPDATE membership SET contactable_email = true WHERE person_id = 13;
            DELETE FROM membership WHERE person_id IN (9, 10);
            INSERT INTO membership VALUES (101, 'new@example.com', 'New', NULL, true, false), (102, 'x@example.com', 'X', NULL, false, false);
            """);
        var plan = (await fx.NewSync().PlanAsync([new(hook, fx.Request(hook))]))[0];

        Ids(plan, SyncOperation.Add).ShouldBe([13, 101]);
        Ids(plan, SyncOperation.Update).ShouldBe([1, 2, 4, 5]);
        Ids(plan, SyncOperation.Remove).ShouldBe([6, 8, 9, 10]);
        Assert.Equal(85, plan.Counts.Held);
        Assert.Equal(85 - 4 - 4, plan.Counts.Unchanged);
        Assert.All(plan.Batches, b => Assert.All(b.Records, r => Assert.Equal(b.Operation, r.Operation)));

        // An update carries the fields as last sent (from the ledger), so identifiers it replaces can be taken back.
        var updates = plan.Batches.SelectMany(b => b.Records).Where(r => r.Operation == SyncOperation.Update).ToDictionary(r => r.PersonId);
        Assert.Equal("changed1@example.org", updates[1].Fields[0]);
        Assert.Equal("person1@example.com", updates[1].Sent![0]);
        Assert.Equal(updates[1].Fields.Skip(1), updates[1].Sent!.Skip(1));
        Assert.Null(updates[5].Fields[1]);
        Assert.NotNull(updates[5].Sent![1]);
        Assert.All(plan.Batches.SelectMany(b => b.Records).Where(r => r.Operation != SyncOperation.Update), r => Assert.Null(r.Sent));
    }

    [Fact]
    public async Task MissingColumnsAndDuplicatePeopleAreClearErrors()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(10);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 25, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits());
        var planner = new SyncPlanner(fx.Engine, fx.NewLedger());

        var missing = await Assert.ThrowsAsync<SyncPlanningException>(() => planner.PlanAsync(fx.Request(hook) with { ExportColumns = ["email", "loyalty_tier"] }));
        Assert.Contains("loyalty_tier", missing.Message, StringComparison.Ordinal);
        var noConsent = await Assert.ThrowsAsync<SyncPlanningException>(() => planner.PlanAsync(fx.Request(hook) with { Channel = "sms" }));
        Assert.Contains("contactable_sms", noConsent.Message, StringComparison.Ordinal);

        await fx.Engine.ExecuteAsync("INSERT INTO membership SELECT * FROM membership WHERE person_id IN (1, 2)");
        var duplicates = await Assert.ThrowsAsync<SyncPlanningException>(() => planner.PlanAsync(fx.Request(hook)));
        Assert.Contains("2 person_id", duplicates.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARemoveCarriesTheFieldsLastSentAndOneThePlatformRefusedIsNotResentUntilTheyChange()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(40);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 50, 100);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 50));
        var request = fx.Request(hook);
        Assert.True((await fx.NewSync().RunAsync([new(hook, request)], "run-1"))[0].Complete);

        // The intents hold the fields as sent, keyed by column.
        var sent = await fx.Engine.QueryAsync($"SELECT fields FROM {await fx.NewLedger().CreateViewAsync("l")} WHERE event = 'intent' AND person_id = 5");
        Assert.Equal("""{"email":"person5@example.com","first_name":"Name5","phone":"+447700000005"}""", (string?)Assert.Single(sent.Rows)[0]);

        // Persons 5 and 6 leave the membership (their rows, and fields, are gone): the removes carry what was sent.
        await fx.Engine.ExecuteAsync("DELETE FROM membership WHERE person_id IN (5, 6)");
        var plan = (await fx.NewSync().PlanAsync([new(hook, request)]))[0];
        var removes = plan.Batches.Where(b => b.Operation == SyncOperation.Remove).SelectMany(b => b.Records).ToDictionary(r => r.PersonId);
        Assert.Equal([5L, 6L], removes.Keys.Order());
        Assert.Equal(["person5@example.com", "Name5", "+447700000005"], removes[5].Fields);

        // The platform refuses person 5's remove for good: the next plan does not resend it, and counts it as skipped.
        var ledger = fx.NewLedger();
        var refused = removes[5];
        await ledger.RecordIntentAsync("run-2", request, "msg_refused", [refused]);
        await ledger.RecordOutcomesAsync("run-2", request, "msg_refused", [new Ledger.RecordOutcome(refused, Ledger.RecordStatus.Rejected, "http_422:invalid")]);
        var next = (await fx.NewSync().PlanAsync([new(hook, request)]))[0];
        Assert.Equal([6L], next.Batches.SelectMany(b => b.Records).Select(r => r.PersonId));
        Assert.Equal(1, next.Counts.SkippedRejected);
    }

    private static List<long> Ids(SyncPlan plan, SyncOperation operation)
        => plan.Batches.Where(b => b.Operation == operation).SelectMany(b => b.Records).Select(r => r.PersonId).Order().ToList();
}

internal static class ListAssertions
{
    public static void ShouldBe(this List<long> actual, long[] expected) => Assert.Equal(expected, actual);
}
