using Cdp.Activation.Destinations.Google;
using Cdp.Activation.Sandbox;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

/// <summary>Customer Match syncs through <c>AudienceSync</c> against the Data Manager stand-in; assertions are on the user list it holds.</summary>
public class GoogleSyncTests
{
    [Fact]
    public async Task TwentyFiveThousandMembersLandExactlyAndASecondRunSendsOnlyTheChanges()
    {
        await using var fx = new GoogleFixture();
        await fx.CreateMembershipAsync(25_000);
        await using var server = GoogleFixture.Server(rateLimit: 20);
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 10_000, concurrency: 2, rate: 10));

        var report = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        // 25,000 people: 2,500 without ads consent, 1,250 in the holdout; 25 of the rest have no usable identifier.
        Assert.Equal(21_250, report.Plan.Adds);
        Assert.Equal(21_225, report.Accepted);
        Assert.Equal(25, report.RejectionReasons["no_identifier"]);
        GoogleFixture.AssertHolds(await fx.IntendedAsync(), server);
        Assert.Equal(3, server.IngestRequests); // 10,000 + 10,000 + 1,250 (the 25 refused here travel but are not sent)
        Assert.Equal(21_225, server.IngestedMembers);
        Assert.Equal(0, server.RedundantOperations);
        Assert.Empty(server.InvalidRequests);
        Assert.Equal(0, server.RateViolations);
        Assert.Empty(server.EverReceivedEmailHashes.Intersect(await fx.ExcludedEmailHashesAsync()));

        // 10% change: 1,250 new phones (updates), 500 lose ads consent and 500 move to the holdout (removes), 250 join.
        await fx.Engine.ExecuteAsync($"""
            UPDATE {GoogleFixture.Table} SET phone = '+44 7711 ' || lpad(person_id::VARCHAR, 6, '0'), phone_norm = '+447711' || lpad(person_id::VARCHAR, 6, '0') WHERE person_id % 20 = 1;
            UPDATE {GoogleFixture.Table} SET contactable_ads = false WHERE person_id % 50 = 2;
            UPDATE {GoogleFixture.Table} SET holdout = true WHERE person_id % 50 = 4;
            INSERT INTO {GoogleFixture.Table}
            SELECT i, 'late' || i || '@example.com', '+447722' || lpad(i::VARCHAR, 6, '0'), 'Late', 'Joiner', 'GB', 'E1 6AN', true, false,
                   'late' || i || '@example.com', '+447722' || lpad(i::VARCHAR, 6, '0'), 'late', 'joiner'
            FROM range(25001, 25251) t(i);
            """);
        var before = server.UserLists[GoogleFixture.UserList].ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var intended = await fx.IntendedAsync();
        var changed = before.Keys.Except(intended.Keys).Concat(intended.Keys.Where(k => !before.TryGetValue(k, out var held) || !held.SequenceEqual(intended[k]))).ToHashSet();
        Assert.Equal(2_500, changed.Count);
        server.ResetCounters();

        var second = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-2"))[0];

        Assert.True(second.Complete, second.Error);
        Assert.Equal((250L, 1_250L, 1_000L), (second.Plan.Adds, second.Plan.Updates, second.Plan.Removes));
        Assert.Equal(25, second.Plan.SkippedRejected);
        GoogleFixture.AssertHolds(intended, server);
        Assert.Equal(changed.Order(), server.AppliedPerMember.Keys.Order());
        // A new phone replaces the old one: the update batch first removes the old phones, then ingests the members,
        // so the list keeps no phone a member no longer has (AssertHolds above) and each is applied twice.
        var replaced = intended.Keys.Where(k => before.TryGetValue(k, out var held) && held.Except(intended[k]).Any()).ToHashSet();
        Assert.Equal(1_250, replaced.Count);
        Assert.All(server.AppliedPerMember, kv => Assert.Equal(replaced.Contains(kv.Key) ? 2 : 1, kv.Value));
        Assert.Equal((2, 2), (server.IngestRequests, server.RemoveRequests)); // adds and updates are separate batches
        Assert.Equal((1_500, 1_000 + replaced.Count), (server.IngestedMembers, server.RemovedMembers));
        Assert.Equal(0, server.RedundantOperations);

        // Nothing changed: nothing sent.
        server.ResetCounters();
        var idle = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-3"))[0];
        Assert.Equal(0, idle.Plan.Operations);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task ServerErrorsThrottlingAndSlowAnswersEndWithTheExactList()
    {
        await using var fx = new GoogleFixture();
        await fx.CreateMembershipAsync(25_000);
        await using var server = GoogleFixture.Server(rateLimit: 30, seed: 11);
        server.Faults.FailureRate = 0.05;
        server.Faults.BurstRate = 0.05;
        server.Faults.BurstLength = 3;
        server.Faults.SlowRate = 0.05;
        server.Faults.SlowDelay = TimeSpan.FromSeconds(1.5);
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 1_000, concurrency: 3, rate: 20) with { AttemptTimeout = TimeSpan.FromSeconds(1) });

        var report = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        Assert.True(server.InjectedFaults > 0, "the server injected no fault");
        GoogleFixture.AssertHolds(await fx.IntendedAsync(), server);
        Assert.Equal(21_225, report.Accepted);
        Assert.Empty(server.InvalidRequests);
        Assert.Equal(0, server.RateViolations);
        Assert.Empty(server.EverReceivedEmailHashes.Intersect(await fx.ExcludedEmailHashesAsync()));
        // Each batch of 1,000 was applied once or, after a lost answer, again with no effect.
        Assert.Equal(server.IngestedMembers - 21_225, server.RedundantOperations);
    }

    [Fact]
    public async Task APoisonRecordIsRejectedWithItsReasonAndTheRestOfItsBatchLands()
    {
        await using var fx = new GoogleFixture();
        await fx.CreateMembershipAsync(2_000);
        await using var server = GoogleFixture.Server(rateLimit: 200);
        long[] poison = [11, 12, 1_058];
        foreach (var id in poison) server.InvalidEmailHashes.Add(GoogleFixture.Sha256($"person{id}@example.com"));
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 500, concurrency: 2, rate: 150));

        var report = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-1"))[0];

        Assert.True(report.Complete, report.Error);
        Assert.Equal(3, report.RejectionReasons["google_400_INVALID_AUDIENCE_MEMBER"]);
        Assert.Equal(2, report.RejectionReasons["no_identifier"]);
        var intended = await fx.IntendedAsync();
        foreach (var id in poison) Assert.True(intended.Remove("email:" + GoogleFixture.Sha256($"person{id}@example.com")));
        GoogleFixture.AssertHolds(intended, server);
        Assert.Equal(intended.Count, report.Accepted);
        var rejected = (await fx.Sync.LedgerRowsAsync()).Rows.Where(r => (string?)r[4] == "google_400_INVALID_AUDIENCE_MEMBER").ToList();
        Assert.Equal(poison, rejected.Select(r => (long)r[0]!).Order());
        Assert.All(rejected, r => Assert.Equal("rejected", (string)r[3]!));
    }

    [Theory]
    [InlineData("wrong token", "google_401")]
    [InlineData("other account", "google_403")]
    [InlineData("unknown list", "google_400_INVALID_USER_LIST_ID")]
    [InlineData("terms not accepted", "google_400_TERMS_AND_CONDITIONS_NOT_SIGNED")]
    public async Task RefusedCredentialsOrDestinationDisableItAndLeaveRecordsPending(string fault, string reason)
    {
        await using var fx = new GoogleFixture();
        await fx.CreateMembershipAsync(200);
        await using var server = GoogleFixture.Server(rateLimit: 100);
        server.RequireTermsAccepted = fault == "terms not accepted";
        var google = fault switch
        {
            "wrong token" => GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 50, concurrency: 1), token: "ya29.expired"),
            "other account" => new GoogleDataManagerDestination(new GoogleDataManagerOptions("google_ads", server.BaseUri, "999", GoogleFixture.UserList, GoogleFixture.TokenVariable,
                GoogleFixture.Limits(batch: 50, concurrency: 1)), new HttpClient(), _ => GoogleFixture.Token),
            "unknown list" => new GoogleDataManagerDestination(new GoogleDataManagerOptions("google_ads", server.BaseUri, GoogleFixture.Account, "404404", GoogleFixture.TokenVariable,
                GoogleFixture.Limits(batch: 50, concurrency: 1)), new HttpClient(), _ => GoogleFixture.Token),
            _ => GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 50, concurrency: 1)),
        };

        var report = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-1"))[0];

        Assert.True(report.Disabled);
        Assert.Equal(170, report.Pending);
        Assert.Equal(1, server.Requests); // the first refusal stops the destination; no halving
        Assert.Empty(server.UserLists[GoogleFixture.UserList]);
        // Every announced record (the refused batch, and those announced ahead of a send slot) is settled as pending.
        var rows = (await fx.Sync.LedgerRowsAsync()).Rows;
        var outcomes = rows.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.InRange(outcomes.Count, 50, 170);
        Assert.Equal(rows.Count(r => (string)r[1]! == "intent"), outcomes.Count);
        Assert.All(outcomes, r => Assert.Equal(("pending", reason), ((string)r[3]!, (string?)r[4])));

        // Fixed (terms accepted), the next run sends everyone.
        if (fault == "terms not accepted")
        {
            var fixedGoogle = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 50, concurrency: 1), configure: o => o with { CustomerMatchTermsAccepted = true });
            Assert.True((await fx.NewSync().RunAsync([new(fixedGoogle, GoogleFixture.Request(fixedGoogle))], "run-2"))[0].Complete);
            GoogleFixture.AssertHolds(await fx.IntendedAsync(), server);
        }
    }

    [Fact]
    public async Task AGarbageSuccessIsNotTakenForAnAcceptance()
    {
        await using var fx = new GoogleFixture();
        await fx.CreateMembershipAsync(100);
        await using var server = GoogleFixture.Server(rateLimit: 100);
        server.Faults.GarbageBody = "<html><body>upstream connect error</body></html>";
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100, concurrency: 1) with { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) });

        var report = (await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-1"))[0];

        Assert.Equal(0, report.Accepted);
        Assert.Equal(85, report.Pending);
        Assert.Equal(3, server.Requests);
        var outcomes = (await fx.Sync.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.All(outcomes, r => Assert.Equal(("pending", "retries exhausted: google_unreadable_response"), ((string)r[3]!, (string?)r[4])));

        // Once the platform answers properly, the next run delivers them.
        server.Faults.GarbageBody = null;
        Assert.True((await fx.NewSync().RunAsync([new(google, GoogleFixture.Request(google))], "run-2"))[0].Complete);
        GoogleFixture.AssertHolds(await fx.IntendedAsync(), server);
    }
}
