using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Mailchimp;
using Cdp.Activation.Sandbox;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

/// <summary>
/// Runs on its own, after the parallel classes: its 3,000-member syncs load both cores, and other classes' tests time
/// attempts against a request rate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MailchimpCollection
{
    public const string Name = "mailchimp";
}

[Collection(MailchimpCollection.Name)]
public class MailchimpSyncTests
{
    [Theory]
    [InlineData("urist.mcvankab@freddiesjokes.com", "62eeb292278cc15f5817cb78f7790b08")]
    [InlineData("  Urist.McVankab@FreddiesJokes.COM\t", "62eeb292278cc15f5817cb78f7790b08")]
    [InlineData("ZOË.O'Brien@EXÄMPLE.com", "c70b24f321f918861f364e10b4993372")] // printf %s "zoë.o'brien@exämple.com" | md5sum
    public void SubscriberHashIsTheMd5OfTheTrimmedLowercasedAddress(string email, string expected)
    {
        Assert.Equal(expected, MailchimpSubscriberHash.Of(email));
        Assert.Equal(expected, MailchimpContractServer.Hash(email)); // the stand-in's own implementation agrees
    }

    [Fact]
    public void ConstructionRefusesLimitsAboveMailchimpsAndKeysItCannotUse()
    {
        var limits = MailchimpFixture.Limits();
        MailchimpDestination Make(DestinationLimits l, string? key, Uri? baseUri = null, MailchimpFieldMap? map = null)
            => new(new MailchimpOptions("brand-mc", "a1b2c3", "MC_KEY", l) { BaseUri = baseUri, FieldMap = map ?? new() }, new HttpClient(),
                v => v == "MC_KEY" ? key : null);

        var batch = Assert.Throws<ArgumentException>(() => Make(new DestinationLimits(501, 4, 10), "k-us6"));
        Assert.Contains("brand-mc", batch.Message, StringComparison.Ordinal);
        Assert.Contains("500", batch.Message, StringComparison.Ordinal);
        var connections = Assert.Throws<ArgumentException>(() => Make(new DestinationLimits(500, 11, 10), "k-us6"));
        Assert.Contains("10", connections.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<InvalidOperationException>(() => Make(limits, null));
        Assert.Contains("brand-mc", missing.Message, StringComparison.Ordinal);
        Assert.Contains("MC_KEY", missing.Message, StringComparison.Ordinal);
        foreach (var bad in new[] { "3f0c9a7e5b1d2c4e6f8a0b1c2d3e4f5a", "3f0c9a7e5b1d2c4e6f8a0b1c2d3e4f5a-", "3f0c9a7e5b1d2c4e6f8a0b1c2d3e4f5a-6us" })
        {
            var malformed = Assert.Throws<InvalidOperationException>(() => Make(limits, bad));
            Assert.Contains("MC_KEY", malformed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("3f0c9a7e5b1d", malformed.Message, StringComparison.Ordinal);
        }
        Assert.Throws<ArgumentException>(() => Make(limits, "k-us6", map: new MailchimpFieldMap { PersonIdMergeField = "person id" }));

        Assert.Equal(new Uri("https://us6.api.mailchimp.com/"), Make(limits, "3f0c9a7e5b1d2c4e6f8a0b1c2d3e4f5a-us6").ApiRoot);
        Assert.Equal(new Uri("https://us21.api.mailchimp.com/"), Make(limits, " 3f0c-us21 ").ApiRoot);
        // A local stand-in needs no data centre in the key.
        Assert.Equal(new Uri("http://127.0.0.1:5000/"), Make(limits, "local", new Uri("http://127.0.0.1:5000")).ApiRoot);
    }

    [Fact]
    public async Task ThreeThousandMembersEndWithTheSegmentHoldingExactlyTheIntendedAddresses()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 3000);
        await using var server = MailchimpFixture.Server();
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 500, concurrency: 10));

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        var intended = await MailchimpFixture.IntendedAsync(fx);
        Assert.Equal(intended.Count, report.Accepted);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        // Consent and holdout: nobody excluded was ever sent, so the list holds exactly the intended people.
        Assert.Equal(intended.Values.Select(v => v.Email).Order(StringComparer.Ordinal), server.EverReceived.Order(StringComparer.Ordinal));
        Assert.Equal(intended.Count, server.ListMembers().Count);

        var batches = (intended.Count + 499) / 500;
        Assert.Equal(batches, server.BatchCalls);
        Assert.Equal(batches, server.SegmentCalls);
        Assert.Equal(1, server.SegmentsCreated[MailchimpFixture.Audience]);
        Assert.Equal(0, server.OversizedCalls);
        Assert.Equal(0, server.ConcurrencyViolations);
        Assert.Equal(0, server.RateViolations);
        Assert.Equal(0, server.DuplicateEmails);
        Assert.Equal(0, server.RedundantUpserts);
        Assert.Equal(0, server.RedundantSegmentAdds);
        Assert.Equal(0, server.StatusChanges);
        Assert.Equal(0, server.UnknownMergeTags);

        var ledger = (await fx.LedgerRowsAsync()).Rows;
        Assert.Equal(intended.Count, ledger.Count(r => (string)r[1]! == "outcome" && (string)r[3]! == "accepted"));
    }

    [Fact]
    public async Task ASecondRunWithTenPercentChangedSendsOnlyTheChangesAndRemovesLeaveTheList()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 3000);
        await using var server = MailchimpFixture.Server();
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits());
        Assert.True((await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0].Complete);
        var heldBefore = (await MailchimpFixture.IntendedAsync(fx)).ToDictionary(kv => kv.Key, kv => kv.Value.Email);

        // 12% change: 150 renamed, 30 new addresses, 60 leave the membership (their address with them), 60 lose consent,
        // 30 move to the holdout, 30 join.
        await fx.Engine.ExecuteAsync("""
            UPDATE members SET first_name = 'Renamed' || person_id WHERE person_id % 20 = 1;
            UPDATE members SET email = 'moved' || person_id || '@example.net' WHERE person_id % 100 = 11;
            DELETE FROM members WHERE person_id % 50 = 2;
            UPDATE members SET contactable_email = false WHERE person_id % 50 = 4;
            UPDATE members SET holdout = true WHERE person_id % 100 = 26;
            INSERT INTO members SELECT i, 'late' || i || '@example.com', 'Late', 'Comer', true, false FROM range(3001, 3031) t(i);
            """);
        var changed = Enumerable.Range(1, 3030).Where(i => i % 20 == 1 || i % 100 is 11 or 26 || i % 50 is 2 or 4 || i > 3000).Select(i => (long)i).ToHashSet();
        var intended = await MailchimpFixture.IntendedAsync(fx);
        var expectedTouched = changed.Where(heldBefore.ContainsKey).Select(id => heldBefore[id])
            .Concat(changed.Where(intended.ContainsKey).Select(id => intended[id].Email)).ToHashSet(StringComparer.Ordinal);
        server.ResetCounters();

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        Assert.Equal(180, report.Plan.Updates);
        Assert.Equal(150, report.Plan.Removes);
        Assert.Equal(30, report.Plan.Adds);
        Assert.Equal(expectedTouched.Order(StringComparer.Ordinal), server.Touched.Order(StringComparer.Ordinal));
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        Assert.Equal(60, server.MembersCreated); // 30 new addresses, 30 joiners
        Assert.Equal(150, server.MembersUpdated); // the renamed; moved people are new members under their new address
        Assert.Equal(180, server.SegmentRemoves); // 150 removes and the 30 previous addresses
        Assert.Equal(0, server.RedundantSegmentRemoves);
        Assert.Equal(150, server.RedundantSegmentAdds); // the renamed are tagged again: a set operation, which also heals a tag removed by hand

        // Removes take people out of the segment, never off the list: leavers, the unconsented, the holdout and
        // previous addresses all stay members, subscribed (their consent there is Mailchimp's).
        var list = server.ListMembers();
        foreach (var id in changed.Where(id => heldBefore.ContainsKey(id) && !intended.ContainsKey(id)))
            Assert.Equal("subscribed", list[heldBefore[id]].Status);
        foreach (var id in changed.Where(id => id % 100 == 11 && id <= 3000))
        {
            Assert.True(list.ContainsKey(heldBefore[id]));
            Assert.DoesNotContain(heldBefore[id], server.SegmentEmails(MailchimpFixture.Audience));
        }
        Assert.Equal(heldBefore.Count + 60, list.Count);

        // A third run with nothing changed sends nothing.
        server.ResetCounters();
        var idle = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-3"))[0];
        Assert.Equal(0, idle.Plan.Operations);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AnUnsubscribedContactIsNeverResubscribedNorPutInTheSegmentAndIsReportedRejected()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 200);
        await using var server = MailchimpFixture.Server();
        server.SeedMember("Person1@example.com", "unsubscribed", new Dictionary<string, string> { ["FNAME"] = "Before" });
        server.SeedMember("person2@example.com", "cleaned");
        server.SeedMember("person4@example.com", "subscribed", new Dictionary<string, string> { ["FNAME"] = "Before" });
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 50));

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        Assert.Equal(2, report.Rejected);
        Assert.Equal(1, report.RejectionReasons["mailchimp_member_unsubscribed"]);
        Assert.Equal(1, report.RejectionReasons["mailchimp_member_cleaned"]);
        Assert.Equal("unsubscribed", server.Member("person1@example.com")!.Status);
        Assert.Equal("cleaned", server.Member("person2@example.com")!.Status);
        Assert.Equal(0, server.Resubscriptions);
        Assert.Equal(0, server.StatusChanges);
        Assert.Equal(0, server.RefusedSegmentAdds); // never even asked for
        var segment = server.SegmentEmails(MailchimpFixture.Audience);
        Assert.DoesNotContain("person1@example.com", segment);
        Assert.DoesNotContain("person2@example.com", segment);
        Assert.Contains("person4@example.com", segment); // an existing subscriber is updated and tagged
        Assert.Equal("First4", server.Member("person4@example.com")!.MergeFields["FNAME"]);
        var intended = await MailchimpFixture.IntendedAsync(fx);
        Assert.Equal(intended.Where(kv => kv.Key is not (1 or 2)).Select(kv => kv.Value.Email).Order(StringComparer.Ordinal), segment.Order(StringComparer.Ordinal));

        var rejected = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[3]! == "rejected").ToList();
        Assert.Equal([1L, 2L], rejected.Select(r => (long)r[0]!).Order());
        Assert.All(rejected, r => Assert.DoesNotContain("@", (string)r[4]!, StringComparison.Ordinal));

        // Not resent while unchanged.
        server.ResetCounters();
        var again = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-2"))[0];
        Assert.Equal(2, again.Plan.SkippedRejected);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task InvalidAddressesAreRejectedWithAReasonAndTheRestOfTheBatchLands()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 120);
        await fx.Engine.ExecuteAsync("UPDATE members SET email = NULL WHERE person_id = 12; UPDATE members SET email = 'not-an-email' WHERE person_id = 14");
        await using var server = MailchimpFixture.Server();
        server.RefuseEmail("person11@example.com");
        server.RefuseEmail("person57@example.com");
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits());

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        var intended = await MailchimpFixture.IntendedAsync(fx);
        Assert.True(report.Complete, report.Error);
        Assert.Equal(4, report.Rejected);
        Assert.Equal(intended.Count - 4, report.Accepted);
        Assert.Equal(2, report.RejectionReasons["no_email"]);
        Assert.Equal(2, report.RejectionReasons["mailchimp_error_generic"]);
        Assert.Equal(1, server.BatchCalls); // one request for the whole batch; the refused did not sink it
        Assert.DoesNotContain("not-an-email", server.EverReceived);
        Assert.Null(server.Member("person11@example.com"));
        var landed = intended.Where(kv => kv.Key is not (11 or 12 or 14 or 57)).Select(kv => kv.Value.Email).Order(StringComparer.Ordinal);
        Assert.Equal(landed, server.SegmentEmails(MailchimpFixture.Audience).Order(StringComparer.Ordinal));

        var rejected = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[3]! == "rejected").ToList();
        Assert.Equal([11L, 12L, 14L, 57L], rejected.Select(r => (long)r[0]!).Order());
        Assert.All(rejected, r => Assert.DoesNotContain("@", (string)r[4]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerErrorsThrottlingAndSlowAnswersEndWithTheExactState()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 1500);
        await using var server = MailchimpFixture.Server(seed: 11);
        server.Faults.FailureRate = 0.05;
        server.Faults.BurstRate = 0.04;
        server.Faults.BurstLength = 3;
        server.Faults.SlowRate = 0.05;
        server.Faults.SlowDelay = TimeSpan.FromSeconds(1.5);
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 50, concurrency: 4) with
        {
            AttemptTimeout = TimeSpan.FromSeconds(1), MaxAttempts = 12,
        });

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        Assert.True(report.Complete, report.Error ?? $"pending {report.Pending}");
        Assert.True(server.InjectedFaults >= 3, $"only {server.InjectedFaults} faults were injected");
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        Assert.Equal((await MailchimpFixture.IntendedAsync(fx)).Count, server.ListMembers().Count);
        Assert.Equal(1, server.SegmentCount(MailchimpFixture.Audience));
        Assert.Equal(0, server.Resubscriptions);
        Assert.Equal(0, server.DuplicateEmails);
        Assert.Equal(0, server.OversizedCalls);
        var outcomes = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.All(outcomes, r => Assert.Equal("accepted", (string)r[3]!));
    }

    [Fact]
    public async Task AGarbledAnswerIsNeverTakenForAcceptanceAndTheBatchIsSafeToSendAgain()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 200);
        await using var server = MailchimpFixture.Server();
        server.GarbleBatchAnswers = true;
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 100) with { MaxAttempts = 3 });

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        var intended = await MailchimpFixture.IntendedAsync(fx);
        Assert.Equal(0, report.Accepted);
        Assert.Equal(intended.Count, report.Pending);
        Assert.Empty(server.SegmentEmails(MailchimpFixture.Audience));
        var outcomes = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome").ToList();
        Assert.Equal(intended.Count, outcomes.Count);
        Assert.All(outcomes, r => Assert.Equal("retries exhausted: mailchimp_unreadable_response", (string)r[4]!));

        // The members were upserted (three times); sending the batches again completes them without harm.
        server.GarbleBatchAnswers = false;
        var retry = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-2"))[0];
        Assert.True(retry.Complete, retry.Error);
        Assert.Equal(intended.Count, retry.Accepted);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        Assert.Equal(intended.Count, server.ListMembers().Count);
    }

    [Fact]
    public async Task AnotherProcessFindsTheAudiencesSegmentAndEachAudienceKeepsItsOwn()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 300);
        await fx.Engine.ExecuteAsync("CREATE VIEW vip AS SELECT * FROM members WHERE person_id <= 40");
        const string vip = "VIP's \"best\"; DROP TABLE x; -- ünïcode/../";
        await using var server = MailchimpFixture.Server();
        var first = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 100));
        var reports = await fx.NewSync().RunAsync([new(first, MailchimpFixture.Request(first)), new(first, MailchimpFixture.Request(first, vip, "vip"))], "run-1");
        Assert.All(reports, r => Assert.True(r.Complete, r.Error));

        // Another process: its own destination instance, ledger and planner; some people changed, VIPs 1..20 left the VIP audience.
        await fx.Engine.ExecuteAsync("UPDATE members SET first_name = 'Again' WHERE person_id % 10 = 5; CREATE OR REPLACE VIEW vip AS SELECT * FROM members WHERE person_id BETWEEN 21 AND 40");
        var second = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 100));
        reports = await fx.NewSync().RunAsync([new(second, MailchimpFixture.Request(second)), new(second, MailchimpFixture.Request(second, vip, "vip"))], "run-2");

        Assert.All(reports, r => Assert.True(r.Complete, r.Error));
        Assert.Equal(1, server.SegmentCount(MailchimpFixture.Audience));
        Assert.Equal(1, server.SegmentCount(vip));
        Assert.Equal(1, server.SegmentsCreated[MailchimpFixture.Audience]);
        Assert.Equal(1, server.SegmentsCreated[vip]);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server, vip, "vip");
        // Leaving the VIP audience took nobody out of win_back or off the list.
        Assert.Contains("person1@example.com", server.SegmentEmails(MailchimpFixture.Audience));
        Assert.DoesNotContain("person1@example.com", server.SegmentEmails(vip));
        Assert.Equal((await MailchimpFixture.IntendedAsync(fx)).Count, server.ListMembers().Count);
    }

    [Fact]
    public async Task AudiencesSyncingAtOnceShareTheAccountsTenConnections()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 1000);
        await fx.Engine.ExecuteAsync("CREATE VIEW everyone AS SELECT * FROM members");
        await using var server = MailchimpFixture.Server();
        server.Latency = TimeSpan.FromMilliseconds(250);
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 50, concurrency: 10));

        // Each audience may run ten batches at once; the account still allows ten connections in all.
        var reports = await fx.NewSync().RunAsync(
            [new(mailchimp, MailchimpFixture.Request(mailchimp)), new(mailchimp, MailchimpFixture.Request(mailchimp, "everyone", "everyone"))], "run-1");

        Assert.All(reports, r => Assert.True(r.Complete, r.Error));
        Assert.Equal(0, server.ConcurrencyViolations);
        Assert.InRange(server.PeakInFlight, 2, MailchimpDestination.MaxConnections);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server);
        await MailchimpFixture.AssertSegmentHoldsIntendedAsync(fx, server, "everyone", "everyone");
    }

    [Fact]
    public async Task AWrongApiKeyDisablesTheDestinationAndLeavesRecordsPending()
    {
        await using var fx = new SyncFixture();
        await MailchimpFixture.CreateMembershipAsync(fx, 120);
        await using var server = MailchimpFixture.Server();
        var mailchimp = MailchimpFixture.Destination(server, MailchimpFixture.Limits(batch: 50, concurrency: 1), key: "ffffffffffffffffffffffffffffffff-us6");

        var report = (await fx.NewSync().RunAsync([new(mailchimp, MailchimpFixture.Request(mailchimp))], "run-1"))[0];

        Assert.True(report.Disabled);
        Assert.Equal(0, report.Accepted);
        Assert.Equal((await MailchimpFixture.IntendedAsync(fx)).Count, report.Pending);
        Assert.Equal(1, server.Requests); // the first 401 stops the destination
        Assert.Equal(1, server.BadKeys);
        Assert.Empty(server.ListMembers());
        var outcomes = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome" && (string)r[3]! == "pending").ToList();
        Assert.Contains(outcomes, r => (string)r[4]! == "mailchimp_401");
    }

    [Fact]
    public async Task TheContractServerHoldsToMailchimpsLimits()
    {
        await using var server = MailchimpFixture.Server();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("any:" + MailchimpFixture.ApiKey)));
        var list = $"3.0/lists/{MailchimpFixture.ListId}";
        static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

        // More than 500 members in a batch subscribe: 400, nothing applied.
        var members = string.Join(",", Enumerable.Range(1, 501).Select(i => $$"""{"email_address":"m{{i}}@example.com","status_if_new":"subscribed"}"""));
        using (var oversized = await http.PostAsync(list, Json($$"""{"members":[{{members}}],"update_existing":true}""")))
            Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Empty(server.ListMembers());
        Assert.Equal(1, server.OversizedCalls);

        // An unsubscribed contact never joins a segment, even when asked directly; status_if_new does not resubscribe.
        server.SeedMember("gone@example.com", "unsubscribed");
        using (var upsert = await http.PostAsync(list, Json("""{"members":[{"email_address":"GONE@example.com","status_if_new":"subscribed"}],"update_existing":true}""")))
            Assert.Contains("\"status\":\"unsubscribed\"", await upsert.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var created = await http.PostAsync(list + "/segments", Json("""{"name":"s","static_segment":[]}"""));
        var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        using (var add = await http.PostAsync(string.Create(CultureInfo.InvariantCulture, $"{list}/segments/{id}"), Json("""{"members_to_add":["gone@example.com"]}""")))
            Assert.Contains("gone@example.com", await add.Content.ReadAsStringAsync(), StringComparison.Ordinal); // listed in errors
        Assert.Empty(server.SegmentEmails("s"));
        Assert.Equal("unsubscribed", server.Member("gone@example.com")!.Status);

        // The wrong key: 401.
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, list + "/segments"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("any:nope-us6")));
            using var answer = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        // Eleven requests at once while the first ten are held: the eleventh is 429, with no rate headers nor Retry-After.
        server.Faults.SlowRate = 1;
        server.Faults.SlowDelay = TimeSpan.FromSeconds(4);
        var answers = await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => http.GetAsync(list + "/merge-fields")));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.DoesNotContain(a.Headers, h => h.Key.StartsWith("X-RateLimit", StringComparison.OrdinalIgnoreCase) || h.Key == "Retry-After"));
        Assert.True(server.ConcurrencyViolations >= 1);
        Assert.True(server.PeakInFlight >= 11);
        foreach (var a in answers) a.Dispose();
    }
}
