using System.Security.Cryptography;
using System.Text;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Meta;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

public class MetaSyncTests
{
    private const string Audience = "lookalike_seed";

    private static string Sha256(string normalised) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));

    [Fact]
    public async Task SyncOf25000MembersHoldsExactlyTheConsentingMembersAndASecondRunSendsOnlyTheChanges()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 25_000);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 10_000, concurrency: 3));

        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        var intended = await MetaFixture.IntendedEmailsAsync(fx);
        Assert.Equal(21_250, intended.Count); // 25,000 less 2,500 without ads consent and 1,250 in the holdout
        Assert.Equal(intended, server.MembersOf(Audience));
        Assert.Equal(intended.Count, server.PeopleIn(Audience));
        Assert.Equal(1, server.AudiencesNamed(Audience)); // three batches in parallel, one audience
        Assert.Equal(3, server.UploadRequests);
        Assert.Equal(10_000, server.MaxRowsSeen);
        Assert.Equal(0, server.OversizedRequests);
        Assert.Equal(0, server.ContractViolations);
        Assert.Equal(0, server.InvalidEntries);
        Assert.Equal(21_250, report.Accepted);
        Assert.Equal(21_250, meta.ReceivedEntries);
        // Consent and holdout: nobody excluded ever reached the platform.
        Assert.Empty(server.EverReceivedEmails.Intersect(await MetaFixture.ExcludedEmailsAsync(fx)));

        // Person 14 field by field: email '  Person.14@Example.COM ', phone +33610000014, 'Zoë-O', 'O''Brien o', FR, '75 015', 'Saint-Étienne'.
        var person = server.PersonWithEmail(Audience, Sha256("person.14@example.com"));
        Assert.NotNull(person);
        Assert.Equal([Sha256("33610000014")], person["PHONE"]);
        Assert.Equal([Sha256("zoëo")], person["FN"]);
        Assert.Equal([Sha256("obrieno")], person["LN"]);
        Assert.Equal([Sha256("fr")], person["COUNTRY"]);
        Assert.Equal([Sha256("75015")], person["ZIP"]);
        Assert.Equal([Sha256("saintétienne")], person["CT"]);
        Assert.False(person.ContainsKey("EXTERN_ID")); // not sent unless mapped

        var ledger = (await fx.LedgerRowsAsync()).Rows;
        Assert.Equal(21_250, ledger.Count(r => (string)r[1]! == "outcome" && (string)r[3]! == "accepted"));

        // About 9%: 1,250 renamed, 500 lose ads consent, 250 move to the holdout, 250 join.
        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET first_name = 'Renamed' WHERE person_id % 20 = 1;
            UPDATE membership SET contactable_ads = false WHERE person_id % 50 = 4;
            UPDATE membership SET holdout = true WHERE person_id % 100 = 9;
            """);
        await MetaFixture.AddPeopleAsync(fx, 25_001, 25_250);
        var changed = Enumerable.Range(1, 25_250).Where(i => i % 20 == 1 || i % 50 == 4 || i % 100 == 9 || i > 25_000).Select(i => (long)i).ToList();
        server.ResetCounters();

        var changes = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];

        Assert.True(changes.Complete, changes.Error);
        Assert.Equal(1_250, changes.Plan.Updates);
        Assert.Equal(750, changes.Plan.Removes);
        Assert.Equal(250, changes.Plan.Adds);
        Assert.Equal(3, server.UploadRequests); // one batch per operation
        Assert.Equal(await MetaFixture.EmailsOfAsync(fx, changed), server.AppliedPerEmail.Keys.Order(StringComparer.Ordinal));
        Assert.All(server.AppliedPerEmail.Values, n => Assert.Equal(1, n));
        Assert.Equal(await MetaFixture.IntendedEmailsAsync(fx), server.MembersOf(Audience));
        Assert.Contains(Sha256("renamed"), server.PersonWithEmail(Audience, Sha256("person.21@example.com"))!["FN"]);
        Assert.Equal(1, server.AudiencesNamed(Audience));

        // Nothing changed: nothing planned, nothing sent.
        server.ResetCounters();
        var idle = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-3"))[0];
        Assert.Equal(0, idle.Plan.Operations);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task SyncUnderFaultsEndsWithExactStateAndEachRowAppliedOnce()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 3_000);
        await using var server = MetaFixture.Server(rateLimit: 60, seed: 11);
        server.Faults.FailureRate = 0.05;
        server.Faults.BurstRate = 0.03;
        server.Faults.BurstLength = 3;
        server.Faults.SlowRate = 0.05;
        server.Faults.SlowDelay = TimeSpan.FromSeconds(1.5);
        server.SlowAfterApplyNext = 2; // at least two batches applied, then answered too late: their retries must not apply again
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 4, rate: 40) with
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(800), MaxAttempts = 12,
        });

        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        var intended = await MetaFixture.IntendedEmailsAsync(fx);
        Assert.Equal(intended, server.MembersOf(Audience));
        Assert.True(server.InjectedFaults > 0, "the server injected no fault");
        Assert.Equal(1, server.AudiencesNamed(Audience));
        // Each row applied in exactly one session: a retried batch reused its session and was not applied again.
        Assert.Equal(intended, server.AppliedPerEmail.Keys.Order(StringComparer.Ordinal));
        Assert.All(server.AppliedPerEmail.Values, n => Assert.Equal(1, n));
        Assert.True(server.DuplicateBatches >= 2, $"{server.DuplicateBatches} repeated batches");
        Assert.Equal(0, server.SessionConflicts);
        Assert.Equal(0, server.ContractViolations);
        Assert.Equal(0, server.RateViolations);
        var accepted = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome" && (string)r[3]! == "accepted").Select(r => (long)r[0]!).ToList();
        Assert.Equal(intended.Count, accepted.Count);
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
    }

    [Fact]
    public async Task ARunKilledAfterMetaAppliedABatchResumesInAnotherProcessUnderTheSameSession()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 500);
        await using var server = MetaFixture.Server();
        using var killed = new CancellationTokenSource();
        var dying = new DyingAfterDelivery(MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 1)), killAtSend: 2, killed);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx.NewSync().RunAsync([new(dying, MetaFixture.Request(dying.Meta))], "run-1", killed.Token));
        // Two batches applied (100 or 25 people each: batches start in any order), the second one's outcome never recorded.
        Assert.Contains(server.PeopleIn(Audience), new[] { 125, 200 });

        var resumed = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 1));
        var report = (await fx.NewSync().RunAsync([new(resumed, MetaFixture.Request(resumed))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        // The batch being answered at the kill (and the one before it, when its outcome was still queued for the ledger)
        // came back under its session and was not applied again.
        Assert.InRange(server.DuplicateBatches, 1, 2);
        Assert.All(server.AppliedPerEmail.Values, n => Assert.Equal(1, n));
        Assert.Equal(1, server.AudiencesNamed(Audience));
        var intended = await MetaFixture.IntendedEmailsAsync(fx);
        Assert.Equal(intended, server.MembersOf(Audience));
        Assert.Equal(intended, server.AppliedPerEmail.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RestrictedAudienceIsDisabledWithItsReasonAndNotRetriedWhileOthersGoThrough()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 300);
        await using var server = MetaFixture.Server();
        server.Restrict("health_interest");
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 1));

        var reports = await fx.NewSync().RunAsync(
            [new(meta, MetaFixture.Request(meta, "health_interest")), new(meta, MetaFixture.Request(meta, Audience))], "run-1");

        var restricted = reports[0];
        Assert.True(restricted.Disabled);
        Assert.Equal(0, restricted.Accepted);
        Assert.Equal(255, restricted.Pending);
        Assert.Empty(server.MembersOf("health_interest"));
        Assert.Equal(4, server.UploadRequests); // one refused for the restricted audience, three for the other
        Assert.True(reports[1].Complete);
        Assert.Equal(await MetaFixture.IntendedEmailsAsync(fx), server.MembersOf(Audience));
        // Every announced record (the refused batch, and those announced ahead of a send slot) is settled as pending.
        var ledger = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[7]! == "health_interest").ToList();
        var refused = ledger.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.InRange(refused.Count, 100, 255);
        Assert.Equal(ledger.Count(r => (string)r[1]! == "intent"), refused.Count);
        Assert.All(refused, r => Assert.Equal("pending", (string)r[3]!));
        Assert.All(refused, r => Assert.Equal("meta_1713230", (string)r[4]!));

        // The next run asks once more, and stops again.
        server.ResetCounters();
        var again = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta, "health_interest"))], "run-2"))[0];
        Assert.True(again.Disabled);
        Assert.Equal(1, server.UploadRequests);
    }

    [Fact]
    public async Task GarbageAnswerIsNotCountedAsAcceptedAndTheResendLeavesExactState()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 200);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100) with { MaxAttempts = 3 });
        Assert.True((await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0].Complete);

        server.GarbageAfterApply = true; // applied, then answered with an HTML page
        await MetaFixture.AddPeopleAsync(fx, 201, 260);
        server.ResetCounters();
        var garbled = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];

        Assert.Equal(0, garbled.Accepted);
        Assert.Equal(60, garbled.Pending);
        Assert.False(garbled.Complete);
        Assert.Equal(1, server.UploadRequests);
        Assert.Equal(2, server.DuplicateBatches); // the retries carried the same session
        var outcomes = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome" && (long)r[0]! > 200).ToList();
        Assert.Equal(60, outcomes.Count);
        Assert.All(outcomes, r => Assert.Equal("pending", (string)r[3]!));
        Assert.All(outcomes, r => Assert.Equal("retries exhausted: meta_unreadable_response", (string)r[4]!));

        server.GarbageAfterApply = false;
        var resent = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-3"))[0];
        Assert.True(resent.Complete);
        Assert.Equal(60, resent.Accepted);
        var intended = await MetaFixture.IntendedEmailsAsync(fx);
        Assert.Equal(intended, server.MembersOf(Audience));
        Assert.Equal(intended.Count, server.PeopleIn(Audience)); // added twice, held once
    }

    [Fact]
    public async Task TwoProcessesSyncingTheSameAudienceShareOneMetaAudience()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 300);
        await using var server = MetaFixture.Server();
        for (var i = 0; i < 30; i++) server.SeedAudience($"other_{i}"); // the account's list spans pages
        server.SeedAudience("Lookalike_Seed"); // a name differing in case is another audience

        var first = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 3));
        Assert.True((await fx.NewSync().RunAsync([new(first, MetaFixture.Request(first))], "run-1"))[0].Complete);
        Assert.Equal(1, server.AudiencesNamed(Audience));
        var creations = server.AudienceCreations;

        // A second process: a new destination instance knows no audience id and must find it by name (page 2).
        await MetaFixture.AddPeopleAsync(fx, 301, 320);
        var second = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 3));
        var report = (await fx.NewSync().RunAsync([new(second, MetaFixture.Request(second))], "run-2"))[0];
        Assert.True(report.Complete);
        Assert.Equal(20, report.Accepted);
        Assert.Equal(creations, server.AudienceCreations);
        Assert.Equal(1, server.AudiencesNamed(Audience));

        // A third process with a ledger of its own (it resends everyone): still one audience, each person once.
        await using var other = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(other, 300);
        await MetaFixture.AddPeopleAsync(other, 301, 320);
        var third = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100, concurrency: 3));
        Assert.True((await other.NewSync().RunAsync([new(third, MetaFixture.Request(third))], "run-3"))[0].Complete);
        Assert.Equal(1, server.AudiencesNamed(Audience));
        Assert.Equal(creations, server.AudienceCreations);
        var intended = await MetaFixture.IntendedEmailsAsync(fx);
        Assert.Equal(intended, server.MembersOf(Audience));
        Assert.Equal(intended.Count, server.PeopleIn(Audience));
        Assert.Equal(1, server.AudiencesNamed("Lookalike_Seed"));
        Assert.Equal(0, server.PeopleIn("Lookalike_Seed"));
    }

    [Fact]
    public async Task ARecordWithoutIdentifierIsRejectedNoIdentifierAndNeverSent()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 120);
        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET email = NULL, phone = NULL WHERE person_id IN (1, 2);
            UPDATE membership SET email = '   ', phone = 'unknown' WHERE person_id = 4;
            UPDATE membership SET email = 'no-at-sign', phone = '+' WHERE person_id = 5;
            UPDATE membership SET email = NULL WHERE person_id = 6; -- the phone still identifies them
            """);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 50));

        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0];

        Assert.Equal(4, report.Rejected);
        Assert.Equal(4, report.RejectionReasons["no_identifier"]);
        Assert.Equal(98, report.Accepted); // 102 qualifying
        Assert.Equal(98, server.RowsReceived);
        Assert.Equal(0, server.InvalidEntries);
        Assert.Equal(98, server.PeopleIn(Audience));
        var rejected = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[3]! == "rejected").ToList();
        Assert.Equal([1L, 2L, 4L, 5L], rejected.Select(r => (long)r[0]!).Order());
        Assert.All(rejected, r => Assert.Equal("no_identifier", (string)r[4]!));

        // Unchanged, they are not planned again.
        server.ResetCounters();
        var again = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];
        Assert.Equal(4, again.Plan.SkippedRejected);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task PeopleWhoLeaveTheMembershipAreRemovedByExternIdWhenItIsMapped()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 200);
        await using var server = MetaFixture.Server();
        var map = new Dictionary<string, string>(MetaOptions.DefaultFieldMap) { ["EXTERN_ID"] = MetaOptions.PersonIdColumn };
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100), fieldMap: map);
        Assert.True((await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0].Complete);
        Assert.Equal(["14"], server.PersonWithEmail(Audience, Sha256("person.14@example.com"))!["EXTERN_ID"]);

        await fx.Engine.ExecuteAsync("DELETE FROM membership WHERE person_id % 10 = 1"); // 20 leave: their fields are gone
        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];

        Assert.True(report.Complete);
        Assert.Equal(20, report.Plan.Removes);
        Assert.Equal(20, report.Accepted);
        Assert.Equal(await MetaFixture.IntendedEmailsAsync(fx), server.MembersOf(Audience));
    }

    [Fact]
    public async Task APersonWhoLeftTheMembershipIsRemovedByTheIdentifiersLastSent()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 200);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100));
        Assert.True((await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0].Complete);
        var leaving = await MetaFixture.EmailsOfAsync(fx, [11L, 21L]);
        Assert.Subset(server.MembersOf(Audience).ToHashSet(), leaving.ToHashSet());

        // Their rows, and so their fields, are gone from the membership: the ledger's intents still hold what was sent.
        await fx.Engine.ExecuteAsync("DELETE FROM membership WHERE person_id IN (11, 21)");
        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        Assert.Equal(2, report.Plan.Removes);
        Assert.Equal(2, report.Accepted);
        Assert.Empty(server.MembersOf(Audience).Intersect(leaving));
    }

    [Fact]
    public async Task AnUpdateTakesTheReplacedEmailOrPhoneOffTheAudience()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 200);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 100));
        Assert.True((await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0].Complete);
        var oldEmail = Sha256("person.11@example.com");
        Assert.Contains(oldEmail, server.MembersOf(Audience));

        // 11 changes email, 21 changes phone, 31 only first name (not a match key: nothing to take back).
        await fx.Engine.ExecuteAsync("""
            UPDATE membership SET email = 'New.Address.11@Example.COM' WHERE person_id = 11;
            UPDATE membership SET phone = '+33699999021' WHERE person_id = 21;
            UPDATE membership SET first_name = 'Renamed' WHERE person_id = 31;
            """);
        server.ResetCounters();
        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        Assert.Equal((3, 3), (report.Plan.Updates, report.Accepted));
        Assert.Equal(await MetaFixture.IntendedEmailsAsync(fx), server.MembersOf(Audience));
        Assert.DoesNotContain(oldEmail, server.MembersOf(Audience));
        Assert.Equal([Sha256("33610000011")], server.PersonWithEmail(Audience, Sha256("new.address.11@example.com"))!["PHONE"]);
        Assert.Equal([Sha256("33699999021")], server.PersonWithEmail(Audience, Sha256("person.21@example.com"))!["PHONE"]);
        Assert.Equal(2, server.UploadRequests); // the removal of the replaced identifiers, then the update

        // Sent again unchanged, the update batch removes nothing more and leaves the same audience.
        server.ResetCounters();
        Assert.Equal(0, (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-3"))[0].Plan.Operations);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AWrongTokenDisablesTheSyncWithMeta190AndIsNeverRetried()
    {
        await using var fx = new SyncFixture();
        await MetaFixture.CreateMembershipAsync(fx, 150);
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits(batch: 50, concurrency: 1), token: "EAAB-expired");

        var report = (await fx.NewSync().RunAsync([new(meta, MetaFixture.Request(meta))], "run-1"))[0];

        Assert.True(report.Disabled);
        Assert.Equal(0, report.Accepted);
        Assert.Equal(1, server.Requests); // the audience lookup was refused; nothing else was tried
        Assert.Equal(1, server.AuthFailures);
        Assert.Equal(0, server.AudienceCreations);
        var outcomes = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.All(outcomes, r => Assert.Equal("meta_190", (string)r[4]!));
    }

    [Fact]
    public void AMissingTokenNamesTheDestinationAndTheVariable()
    {
        var options = new MetaOptions("meta_fr", new Uri("http://127.0.0.1:9/"), "v25.0", "act_1", "CDP_META_TOKEN_FR", MetaFixture.Limits());
        var e = Assert.Throws<InvalidOperationException>(() => new MetaDestination(options, new HttpClient(), _ => null));
        Assert.Contains("'meta_fr'", e.Message, StringComparison.Ordinal);
        Assert.Contains("CDP_META_TOKEN_FR", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationBeyondMetasContractIsRefusedAtConstruction()
    {
        var options = new MetaOptions("meta_fr", new Uri("http://127.0.0.1:9/"), "v25.0", "act_1", "T", MetaFixture.Limits(batch: 10_001));
        var tooBig = Assert.Throws<ArgumentException>(() => new MetaDestination(options, new HttpClient(), _ => "token"));
        Assert.Contains("10000", tooBig.Message, StringComparison.Ordinal);
        Assert.Contains("'meta_fr'", tooBig.Message, StringComparison.Ordinal);

        var badKey = options with { Limits = MetaFixture.Limits(), FieldMap = new Dictionary<string, string> { ["EMAIL_SHA256"] = "email" } };
        Assert.Contains("EMAIL_SHA256", Assert.Throws<ArgumentException>(() => new MetaDestination(badKey, new HttpClient(), _ => "token")).Message, StringComparison.Ordinal);
        var badAccount = options with { Limits = MetaFixture.Limits(), AdAccountId = "act_1/../x" };
        Assert.Contains("act_1/../x", Assert.Throws<ArgumentException>(() => new MetaDestination(badAccount, new HttpClient(), _ => "token")).Message, StringComparison.Ordinal);
        var badVersion = options with { Limits = MetaFixture.Limits(), ApiVersion = "latest" };
        Assert.Contains("latest", Assert.Throws<ArgumentException>(() => new MetaDestination(badVersion, new HttpClient(), _ => "token")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATooLargeBatchIsRefusedBeforeSendingSoTheExecutorSplitsIt()
    {
        await using var server = MetaFixture.Server();
        var meta = MetaFixture.Destination(server, MetaFixture.Limits());
        var records = Enumerable.Range(1, 10_001).Select(i => new SyncRecord(i, SyncOperation.Add, "f", [$"p{i}@example.com"])).ToList();
        var batch = new DeliveryBatch("run", Audience, "b1", SyncOperation.Add, ["email"], records, DateTimeOffset.UtcNow);

        var answer = await meta.SendAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Rejected, answer.Status);
        Assert.Equal(MetaDestination.TooManyRows, answer.Reason);
        Assert.Equal(0, server.Requests);
    }

    /// <summary>Passes sends on; at the n-th, lets Meta apply the batch and then kills the run (a process dying before recording the outcome).</summary>
    private sealed class DyingAfterDelivery(MetaDestination meta, int killAtSend, CancellationTokenSource kill) : IDestination
    {
        private int _sends;

        public MetaDestination Meta => meta;

        public string Name => meta.Name;

        public string Channel => meta.Channel;

        public DestinationLimits Limits => meta.Limits;

        public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
        {
            var answer = await meta.SendAsync(batch, cancellationToken);
            if (Interlocked.Increment(ref _sends) < killAtSend) return answer;
            await kill.CancelAsync();
            throw new OperationCanceledException(kill.Token);
        }
    }
}
