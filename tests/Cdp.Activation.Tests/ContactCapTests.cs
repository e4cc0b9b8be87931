using System.Globalization;
using Cdp.Activation.Destinations;
using Cdp.Activation.Execution;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Activation.Sandbox;
using Cdp.Activation.Tests.Support;
using Cdp.Audiences.Definitions;

namespace Cdp.Activation.Tests;

/// <summary>
/// Contact caps across audiences and destinations of a channel. Memberships come from <see cref="SyncFixture"/>: a
/// person i qualifies unless i % 10 == 3 (no email consent) or i % 20 == 7 (holdout).
/// </summary>
public class ContactCapTests
{
    private static readonly ContactCaps OneEmailPerWeek = new(new Dictionary<Channel, ContactCap> { [Channel.Email] = new(1, 7) });

    private static bool Qualifies(long i) => i % 10 != 3 && i % 20 != 7;

    private static long[] Qualifying(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => (long)i).Where(Qualifies).ToArray();

    /// <summary>A clock that only moves when told (the ledger's timestamps and the caps' windows).</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A new process: fresh ledger, planner and executor over the same lake; sends use the real clock.</summary>
    private static AudienceSync NewSync(SyncFixture fx, ContactCaps caps, TimeProvider clock)
    {
        var ledger = new SyncLedger(fx.Engine, fx.OpenGold, clock);
        return new AudienceSync(new SyncPlanner(fx.Engine, ledger), new SyncExecutor(ledger), caps, clock);
    }

    private static async Task<long[]> AcceptedAddsAsync(SyncFixture fx, string audience)
        => (await fx.LedgerRowsAsync()).Rows
            .Where(r => (string)r[7]! == audience && (string)r[1]! == "outcome" && (string)r[2]! == "add" && (string)r[3]! == "accepted")
            .Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).Order().ToArray();

    [Fact]
    public async Task APersonInTwoAudiencesGetsTheHigherPriorityOneAndTheOtherAfterTheWindow()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(40, "low_members");
        await fx.CreateMembershipAsync(60, "high_members");
        await fx.Engine.ExecuteAsync("DELETE FROM high_members WHERE person_id <= 20"); // 21..40 are in both
        await using var server = new WebhookContractServer(SyncFixture.Secret, 50, 200);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 50));
        // The lower-priority audience comes first in the list: the priority, not the order, decides.
        SyncTarget[] targets =
        [
            new(hook, fx.Request(hook, "low", "low_members") with { Priority = 10 }),
            new(hook, fx.Request(hook, "high", "high_members") with { Priority = 20 }),
        ];
        var clock = new ManualClock(DateTimeOffset.UtcNow);

        // Run 1: the people in both get the high-priority audience only.
        var first = await NewSync(fx, OneEmailPerWeek, clock).RunAsync(targets, "run-1");
        Assert.All(first, r => Assert.True(r.Complete, r.Error));
        var (low, high) = (first[0].Plan, first[1].Plan);
        Assert.Equal((Qualifying(21, 60).Length, 0L), (high.Adds, high.ExcludedCap));
        Assert.Equal((Qualifying(1, 20).Length, Qualifying(21, 40).Length), (low.Adds, low.ExcludedCap));
        Assert.Equal(Qualifying(21, 60), await AcceptedAddsAsync(fx, "high"));
        Assert.Equal(Qualifying(1, 20), await AcceptedAddsAsync(fx, "low"));
        Assert.All(Qualifying(1, 60), p => Assert.Equal(1, server.AppliedPerPerson[p]));
        // Held back is neither a rejection nor a record: the ledger says nothing about the capped people in "low".
        var ledger = (await fx.LedgerRowsAsync()).Rows;
        Assert.DoesNotContain(ledger, r => (string)r[3]! == "rejected");
        Assert.DoesNotContain(ledger, r => (string)r[7]! == "low" && Convert.ToInt64(r[0], CultureInfo.InvariantCulture) > 20);

        // Run 2, a day later (inside the window): still no add for them; updates of held members are never capped.
        clock.Now += TimeSpan.FromDays(1);
        server.ResetCounters();
        await fx.Engine.ExecuteAsync("""
            UPDATE low_members SET email = 'new5@example.org' WHERE person_id = 5;
            UPDATE high_members SET email = 'new25@example.org' WHERE person_id = 25;
            """);
        var second = await NewSync(fx, OneEmailPerWeek, clock).RunAsync(targets, "run-2");
        Assert.All(second, r => Assert.True(r.Complete, r.Error));
        Assert.Equal((0L, 1L, Qualifying(21, 40).Length), (second[0].Plan.Adds, second[0].Plan.Updates, second[0].Plan.ExcludedCap));
        Assert.Equal((0L, 1L, 0L), (second[1].Plan.Adds, second[1].Plan.Updates, second[1].Plan.ExcludedCap));
        Assert.Equal(new long[] { 5, 25 }, server.AppliedPerPerson.Keys.Order());
        Assert.Equal("new5@example.org", server.Members[5]["email"]);
        Assert.Equal("new25@example.org", server.Members[25]["email"]);

        // Run 3, eight days after run 1: the window has freed up and the held-back adds go out.
        clock.Now += TimeSpan.FromDays(7);
        server.ResetCounters();
        var third = await NewSync(fx, OneEmailPerWeek, clock).RunAsync(targets, "run-3");
        Assert.All(third, r => Assert.True(r.Complete, r.Error));
        Assert.Equal((Qualifying(21, 40).Length, 0L), (third[0].Plan.Adds, third[0].Plan.ExcludedCap));
        Assert.Equal(0L, third[1].Plan.Operations);
        Assert.Equal(Qualifying(21, 40), server.AppliedPerPerson.Keys.Order());
        Assert.Equal(Qualifying(1, 40), await AcceptedAddsAsync(fx, "low"));
        // And once more at the same moment: they have had their contact, nothing is left to send.
        var fourth = await NewSync(fx, OneEmailPerWeek, clock).PlanAsync(targets);
        Assert.All(fourth, p => Assert.Equal((0L, 0L), (p.Counts.Operations, p.Counts.ExcludedCap)));
    }

    [Fact]
    public async Task TheCapCountsEveryDestinationOfTheChannelAndAnInFlightAddButNotOtherChannels()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(30);
        await fx.Engine.ExecuteAsync("ALTER TABLE membership ADD COLUMN contactable_sms BOOLEAN; UPDATE membership SET contactable_sms = true");
        await using var first = new WebhookContractServer(SyncFixture.Secret, 50, 200);
        await using var second = new WebhookContractServer(SyncFixture.Secret, 50, 200);
        await using var phones = new WebhookContractServer(SyncFixture.Secret, 50, 200);
        var email1 = SyncFixture.Webhook(first, SyncFixture.FastLimits(batch: 50), "email-platform");
        var email2 = SyncFixture.Webhook(second, SyncFixture.FastLimits(batch: 50), "email-backup");
        var sms = new WebhookDestination(new WebhookOptions("sms-gateway", "sms", phones.Endpoint, SyncFixture.SecretVariable, SyncFixture.FastLimits(batch: 50)),
            new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, v => v == SyncFixture.SecretVariable ? SyncFixture.Secret : null);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var caps = new ContactCaps(new Dictionary<Channel, ContactCap> { [Channel.Email] = new(1, 7), [Channel.Ads] = new(1, 7) });

        // An interrupted run announced an add of person 1 to another audience and never heard back: it may have been
        // delivered, so it is a contact. (Written without a channel, as an older ledger row: matched by destination.)
        var ledger = new SyncLedger(fx.Engine, fx.OpenGold, clock);
        await ledger.RecordIntentAsync("run-0", "email-platform", "other", "msg_interrupted", [new SyncRecord(1, SyncOperation.Add, "f", ["x", "y", "z"])]);

        SyncTarget[] targets = [new(email1, fx.Request(email1)), new(email2, fx.Request(email2)), new(sms, fx.Request(sms))];
        var reports = await NewSync(fx, caps, clock).RunAsync(targets, "run-1");

        Assert.All(reports, r => Assert.True(r.Complete, r.Error));
        var qualifying = Qualifying(1, 30);
        var withoutOne = qualifying.Where(p => p != 1).ToArray();
        Assert.Equal((withoutOne.LongLength, 1L), (reports[0].Plan.Adds, reports[0].Plan.ExcludedCap));
        Assert.Equal((0L, qualifying.LongLength), (reports[1].Plan.Adds, reports[1].Plan.ExcludedCap));
        Assert.Equal(withoutOne, first.Members.Keys.Order());
        Assert.Empty(second.Members);
        // SMS has no cap, and email contacts are not SMS contacts: the gateway gets everyone with SMS consent.
        var smsQualifying = Enumerable.Range(1, 30).Select(i => (long)i).Where(i => i % 20 != 7).ToArray();
        Assert.Equal((smsQualifying.LongLength, 0L), (reports[2].Plan.Adds, reports[2].Plan.ExcludedCap));
        Assert.Equal(smsQualifying, phones.Members.Keys.Order());
        // The ledger records each sync's channel.
        var view = await ledger.CreateViewAsync("channels");
        var channels = await fx.Engine.QueryAsync($"SELECT DISTINCT destination, channel FROM {view} WHERE run_id = 'run-1' ORDER BY destination");
        Assert.Equal([("email-platform", "email"), ("sms-gateway", "sms")], channels.Rows.Select(r => ((string)r[0]!, (string)r[1]!)));
    }

    [Fact]
    public async Task WithoutCapsNothingIsHeldBack()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(20, "a_members");
        await fx.CreateMembershipAsync(20, "b_members");
        await using var server = new WebhookContractServer(SyncFixture.Secret, 50, 200);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 50));
        SyncTarget[] targets = [new(hook, fx.Request(hook, "a", "a_members")), new(hook, fx.Request(hook, "b", "b_members"))];
        var plans = await new AudienceSync(new SyncPlanner(fx.Engine, fx.NewLedger()), new SyncExecutor(fx.NewLedger())).PlanAsync(targets);
        Assert.All(plans, p => Assert.Equal((Qualifying(1, 20).LongLength, 0L), (p.Counts.Adds, p.Counts.ExcludedCap)));
    }
}
