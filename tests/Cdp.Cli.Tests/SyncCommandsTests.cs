using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Activation.Sandbox;
using Cdp.Cli.Sync;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp sync</c> on the 2,000-people demo lake: the demo's sandbox sync, a sandbox run checked against the stand-ins'
/// final state, and runs against receivers the tests host (dry run, delivery, a second run) over a copy of the
/// audience tables, where the ledger is written.
/// </summary>
[Collection(Demo2000Collection.Name)]
public sealed class SyncCommandsTests(Demo2000Lake demo) : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<string> _variables = [];

    public void Dispose()
    {
        foreach (var v in _variables) Environment.SetEnvironmentVariable(v, null);
        _dir.Dispose();
    }

    [Fact]
    public void The_demo_syncs_every_shipped_destination_in_sandbox_mode()
    {
        var sync = demo.Demo["sync"]!;
        Assert.True((bool)sync["sandbox"]!);
        Assert.True((bool)sync["complete"]!, sync.ToJsonString());
        var pairs = sync["syncs"]!.AsArray().Select(s => ((string)s!["destination"]!, (string)s!["audience"]!)).ToList();
        Assert.Equal([("crm_webhook", "win_back"), ("crm_webhook", "abandoned_cart"), ("tills", "till_receipt"), ("meta_ads", "win_back"), ("meta_ads", "vip"),
            ("google_ads", "vip"), ("mailchimp", "replenishment_due"), ("mailchimp", "abandoned_cart"), ("mailchimp", "win_back")], pairs);
        // Every record was acknowledged. Receivers keyed by person hold as many members as they accepted; the ad and
        // email platforms key members by identifiers, so two person ids with the same email (and phone) are one member.
        Assert.All(sync["syncs"]!.AsArray(), s =>
        {
            var (accepted, held) = ((long)s!["accepted"]!, (long)s["sandbox_members"]!);
            Assert.True(accepted > 0 && (long)s["pending"]! == 0, s.ToJsonString());
            if ((string)s["type"]! is "webhook" or "file_drop") Assert.Equal(accepted, held);
            else Assert.InRange(held, accepted * 98 / 100, accepted);
        });
        Assert.Empty(sync["skipped"]!.AsArray());
        var step = (string)demo.Demo["steps"]!.AsArray().Single(s => (string)s!["step"]! == "sync audiences (sandbox)")!["result"]!;
        var crm = sync["syncs"]!.AsArray().Where(s => (string)s!["destination"]! == "crm_webhook").Sum(s => (long)s!["accepted"]!);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"crm_webhook {crm:N0} sent, {crm:N0} accepted, 0 rejected"), step, StringComparison.Ordinal);
        // A rehearsal never writes the real ledger.
        Assert.False(Directory.Exists(Path.Combine(demo.Lake, "gold", "sync_ledger")));
    }

    [Fact]
    public async Task A_sandbox_sync_leaves_each_stand_in_holding_exactly_the_contactable_members_outside_holdouts()
    {
        SyncOutcome? observed = null;
        SyncRun.Observer.Value = o => observed = o;
        var json = (await CdpCli.RunAsync("sync", "crm_webhook", "tills", "--sandbox", "--project-dir", demo.Project, "--format", "json")).Succeeded().JsonObject();

        Assert.True((bool)json["complete"]!);
        Assert.NotNull(observed);
        var membership = await SyncLake.MembershipAsync(demo.Lake);
        var syncs = json["syncs"]!.AsArray();
        Assert.Equal(3, syncs.Count);
        foreach (var result in observed.Pairs)
        {
            var (destination, audience, channel) = (result.Pair.Destination.Name, result.Pair.Audience.Name, result.Pair.Destination.Channel);
            var intended = membership.Intended(audience, channel);
            Assert.True(intended.Count > 50, $"{audience}: {intended.Count} members to send");
            Assert.Equal(intended.Keys.Order(), result.Sandbox!.Members!.Keys.Order());
            if (channel == "email")
                Assert.All(intended, kv => Assert.Equal(kv.Value, result.Sandbox.Members[kv.Key]["email"]));

            var row = syncs.Single(s => (string)s!["destination"]! == destination && (string)s!["audience"]! == audience)!;
            var (noConsent, holdout) = membership.Exclusions(audience, channel);
            Assert.Equal(
                (intended.Count, intended.Count, 0L, 0L, noConsent, holdout, intended.Count),
                ((long)row["sent"]!, (long)row["accepted"]!, (long)row["rejected"]!, (long)row["pending"]!, (long)row["excluded_no_consent"]!, (long)row["excluded_holdout"]!,
                 (long)row["sandbox_members"]!));
        }
        Assert.False(Directory.Exists(Path.Combine(demo.Lake, "gold", "sync_ledger")), "the sandbox's ledger is thrown away");
    }

    [Fact]
    public async Task A_dry_run_plans_every_pair_by_priority_under_the_contact_caps()
    {
        // cdp.yml caps email at 2 contacts per 7 days. abandoned_cart (priority 40) goes to crm_webhook and mailchimp, so
        // its members have used both before win_back (30) and replenishment_due (20) are planned.
        var json = (await CdpCli.RunAsync("sync", "--dry-run", "--project-dir", demo.Project, "--format", "json")).Succeeded().JsonObject();
        var plans = json["syncs"]!.AsArray().ToDictionary(s => ((string)s!["destination"]!, (string)s!["audience"]!), s => s!["plan"]!);
        long Capped(string destination, string audience) => (long)plans[(destination, audience)]["excluded_cap"]!;
        Assert.Equal(0, Capped("crm_webhook", "abandoned_cart"));
        Assert.Equal(0, Capped("mailchimp", "abandoned_cart"));
        Assert.True(Capped("crm_webhook", "win_back") + Capped("mailchimp", "win_back") + Capped("mailchimp", "replenishment_due") > 0, json.ToJsonString());
        // Ads and the channel-less till export have no cap on these channels' contacts from email.
        Assert.Equal(0, Capped("tills", "till_receipt"));
        foreach (var plan in plans.Values)
            Assert.Equal((long)plan["qualifying"]!, (long)plan["adds"]! + (long)plan["excluded_cap"]!);
    }

    [Fact]
    public async Task Ad_and_email_platforms_hold_exactly_the_consenting_members_and_never_receive_anyone_else()
    {
        SyncOutcome? observed = null;
        SyncRun.Observer.Value = o => observed = o;
        var json = (await CdpCli.RunAsync("sync", "meta_ads", "google_ads", "mailchimp", "--sandbox", "--project-dir", demo.Project, "--format", "json"))
            .Succeeded().JsonObject();

        Assert.True((bool)json["complete"]!, json.ToJsonString());
        Assert.NotNull(observed);
        Assert.Equal(6, observed.Pairs.Count);
        var membership = await SyncLake.MembershipAsync(demo.Lake);
        foreach (var result in observed.Pairs)
        {
            var (audience, channel) = (result.Pair.Audience.Name, result.Pair.Destination.Channel);
            var state = result.Sandbox!;
            // Each platform's key for an email, computed here from its documented rules (not by the connectors' code).
            Func<string, string> key = state.KeyKind switch
            {
                "meta_email_sha256" => e => Sha256(e.Trim().ToLowerInvariant()),
                "google_email_sha256" => e => Sha256(GoogleEmail(e)),
                "email" => e => e.Trim().ToLowerInvariant(),
                _ => throw new InvalidOperationException($"unexpected key kind {state.KeyKind}"),
            };
            var intended = membership.Intended(audience, channel).Values.OfType<string>().Select(key).ToHashSet();
            Assert.True(intended.Count > 30, $"{result.Pair.Destination.Name} <- {audience}: {intended.Count} members to send");
            // Exactly the intended members, but for those the email contact cap held back (an audience of lower priority).
            var capped = result.Plan!.ExcludedCap;
            if (capped == 0) Assert.Equal(intended.Order(StringComparer.Ordinal), state.HeldKeys!.Order(StringComparer.Ordinal));
            Assert.Subset(intended, state.HeldKeys!.ToHashSet());
            Assert.True(state.HeldKeys!.Count >= intended.Count - capped, $"{result.Pair.Destination.Name} <- {audience}: {state.HeldKeys.Count} held, {intended.Count} intended, {capped} capped");
            // Nobody without the channel's consent, and nobody in a holdout, was ever in a payload.
            var excluded = membership.ExcludedEmails(audience, channel).Select(key).Where(k => !intended.Contains(k)).ToHashSet();
            Assert.True(excluded.Count > 0, $"{audience}: nobody to leave out on {channel}");
            Assert.Empty(state.ReceivedKeys!.Intersect(excluded));
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Google's email rule: no whitespace, lowercase, and for gmail.com/googlemail.com no dots and no +suffix before the @.</summary>
    private static string GoogleEmail(string email)
    {
        var e = string.Concat(email.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        var at = e.LastIndexOf('@');
        var (local, domain) = (e[..at], e[(at + 1)..]);
        if (domain is "gmail.com" or "googlemail.com")
        {
            local = local.Split('+')[0].Replace(".", "", StringComparison.Ordinal);
        }
        return local + "@" + domain;
    }

    [Fact]
    public async Task A_dry_run_sends_nothing_a_run_delivers_and_a_second_run_has_nothing_to_send()
    {
        var secret = SyncLake.NewSecret();
        var variable = Secret(secret);
        await using var winBack = new WebhookContractServer(secret, maxBatchSize: 50, rateLimit: 100);
        await using var carts = new WebhookContractServer(secret, maxBatchSize: 50, rateLimit: 100);
        var lake = SyncLake.Create(_dir.Path("runs"), demo, $$"""
            destinations:
              hook_win_back:
                type: webhook
                audiences: [win_back]
                url: '{{winBack.Endpoint}}'
                secret_env: {{variable}}
                limits: {batch_size: 50, requests_per_second: 40}
              hook_carts:
                type: webhook
                audiences: [abandoned_cart]
                url: '{{carts.Endpoint}}'
                secret_env: {{variable}}
                limits: {batch_size: 50, requests_per_second: 40}
            """);
        Task<CliResult> Sync(params string[] args) => CdpCli.RunAsync(["sync", .. args, "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json"]);
        var membership = await SyncLake.MembershipAsync(lake.Lake);
        var intended = new Dictionary<string, Dictionary<long, string?>>
        {
            ["win_back"] = membership.Intended("win_back", "email"),
            ["abandoned_cart"] = membership.Intended("abandoned_cart", "email"),
        };

        // The plan, and nothing sent, no ledger written.
        var plan = (await Sync("--dry-run")).Succeeded().JsonObject();
        Assert.True((bool)plan["dry_run"]!);
        foreach (var s in plan["syncs"]!.AsArray())
        {
            var n = intended[(string)s!["audience"]!].Count;
            Assert.Equal((n, 0L, 0L, (n + 49) / 50), ((long)s["plan"]!["adds"]!, (long)s["plan"]!["removes"]!, (long)s["plan"]!["unchanged"]!, (long)s["plan"]!["batches"]!));
            Assert.Null(s["accepted"]);
        }
        Assert.Equal(0, winBack.Requests + carts.Requests);
        Assert.Equal(0, lake.LedgerCommits);

        // The run: each receiver holds its audience's contactable members outside holdouts, each applied once.
        var run = (await Sync()).Succeeded().JsonObject();
        AssertRunShape(run);
        foreach (var (server, audience) in new[] { (winBack, "win_back"), (carts, "abandoned_cart") })
        {
            Assert.Equal(intended[audience].Keys.Order(), server.Members.Keys.Order());
            Assert.All(intended[audience], kv => Assert.Equal(kv.Value, server.Members[kv.Key]["email"]));
            Assert.All(server.AppliedPerPerson.Values, n => Assert.Equal(1, n));
            var row = run["syncs"]!.AsArray().Single(s => (string)s!["audience"]! == audience)!;
            var (noConsent, holdout) = membership.Exclusions(audience, "email");
            Assert.Equal((intended[audience].Count, intended[audience].Count, 0L, noConsent, holdout, "complete"),
                ((long)row["sent"]!, (long)row["accepted"]!, (long)row["pending"]!, (long)row["excluded_no_consent"]!, (long)row["excluded_holdout"]!, (string)row["status"]!));
        }
        var commits = lake.LedgerCommits;
        var requests = winBack.Requests + carts.Requests;
        Assert.True(commits > 0);

        // A dry run now sees everyone as unchanged and still writes nothing.
        var again = (await Sync("--dry-run")).Succeeded().JsonObject();
        Assert.All(again["syncs"]!.AsArray(), s => Assert.Equal((0L, (long)intended[(string)s!["audience"]!].Count), ((long)s!["plan"]!["adds"]!, (long)s!["plan"]!["unchanged"]!)));
        Assert.Equal((commits, requests), (lake.LedgerCommits, winBack.Requests + carts.Requests));

        // A second run has nothing to send.
        var second = (await Sync()).Succeeded().JsonObject();
        Assert.All(second["syncs"]!.AsArray(), s => Assert.Equal((0L, 0L, "complete"), ((long)s!["sent"]!, (long)s!["requests"]!, (string)s!["status"]!)));
        Assert.Equal((commits, requests), (lake.LedgerCommits, winBack.Requests + carts.Requests));
    }

    [Fact]
    public async Task A_missing_secret_names_the_destination_and_variable_and_nothing_is_sent()
    {
        var secret = SyncLake.NewSecret();
        var present = Secret(secret);
        var missing = SyncLake.NewVariable();
        await using var server = new WebhookContractServer(secret, maxBatchSize: 100, rateLimit: 100);
        var lake = SyncLake.Create(_dir.Path("missing"), demo, $$"""
            destinations:
              ok_hook:
                type: webhook
                audiences: [vip]
                url: '{{server.Endpoint}}'
                secret_env: {{present}}
              crm_hook:
                type: webhook
                audiences: [win_back]
                url: '{{server.Endpoint}}'
                secret_env: {{missing}}
            """);
        var r = (await CdpCli.RunAsync("sync", "--project-dir", lake.Project, "--lake", lake.Lake)).Failed(ExitCodes.Failure);
        Assert.Contains($"destination 'crm_hook': the environment variable {missing} (its signing secret, whsec_...) is not set", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
        Assert.Equal(0, lake.LedgerCommits);
    }

    [Fact]
    public async Task A_destination_that_refuses_the_credentials_ends_the_run_with_exit_code_4_and_its_records_pending()
    {
        var variable = Secret(SyncLake.NewSecret());
        await using var server = new WebhookContractServer(SyncLake.NewSecret(), maxBatchSize: 100, rateLimit: 100);
        var lake = SyncLake.Create(_dir.Path("refused"), demo, $$"""
            destinations:
              hook:
                type: webhook
                audiences: [vip]
                url: '{{server.Endpoint}}'
                secret_env: {{variable}}
                limits: {batch_size: 100}
            """);
        var r = await CdpCli.RunAsync("sync", "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json");
        Assert.Equal(ExitCodes.SyncIncomplete, r.ExitCode);
        var row = r.JsonObject()["syncs"]![0]!;
        Assert.Equal(("disabled", true, 0L), ((string)row["status"]!, (bool)row["disabled"]!, (long)row["accepted"]!));
        Assert.Equal((await SyncLake.IntendedAsync(lake.Lake, "vip", "email")).Count, (long)row["pending"]!);
        Assert.Empty(server.Members);
    }

    [Fact]
    public async Task An_audience_missing_from_the_latest_build_is_an_error_for_its_pair_never_a_removal_of_everyone()
    {
        var variable = Secret(SyncLake.NewSecret());
        var lake = SyncLake.Create(_dir.Path("unbuilt"), demo, $$"""
            destinations:
              hook:
                type: webhook
                audiences: [vip, newcomers]
                url: 'https://crm.example/hooks'
                secret_env: {{variable}}
            """);
        // An audience defined since the last build: it has no rows in gold.audience_members.
        var yml = Path.Combine(lake.Project, "cdp.yml");
        File.WriteAllText(yml, File.ReadAllText(yml).Replace("  definitions:\n", """
              definitions:
                newcomers:
                  channels: [email]
                  fields: [email]
                  where: {column: purchase_count, op: '=', value: 1}

            """.ReplaceLineEndings("\n"), StringComparison.Ordinal));

        var r = await CdpCli.RunAsync("sync", "--dry-run", "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json");
        Assert.Equal(ExitCodes.SyncIncomplete, r.ExitCode);
        var syncs = r.JsonObject()["syncs"]!.AsArray().ToDictionary(s => (string)s!["audience"]!);
        Assert.Equal("planned", (string)syncs["vip"]!["status"]!);
        Assert.Equal("failed", (string)syncs["newcomers"]!["status"]!);
        Assert.Null(syncs["newcomers"]!["plan"]);
        Assert.Contains("audience 'newcomers' is not in the latest audience build", (string)syncs["newcomers"]!["error"]!, StringComparison.Ordinal);
        Assert.Contains("error: hook <- newcomers: audience 'newcomers' is not in the latest audience build", r.Stderr, StringComparison.Ordinal);
    }

    private static void AssertRunShape(JsonObject run)
    {
        Assert.Equal(["run_id", "dry_run", "sandbox", "complete", "syncs", "skipped"], run.Select(p => p.Key));
        Assert.StartsWith("sync_", (string)run["run_id"]!, StringComparison.Ordinal);
        Assert.Equal((false, false, true), ((bool)run["dry_run"]!, (bool)run["sandbox"]!, (bool)run["complete"]!));
        foreach (var s in run["syncs"]!.AsArray())
        {
            Assert.Equal(["destination", "type", "audience", "channel", "status", "complete", "error", "plan", "sent", "accepted", "rejected", "rejection_reasons",
                "pending", "excluded_no_consent", "excluded_holdout", "requests", "disabled"], s!.AsObject().Select(p => p.Key));
            Assert.Equal(["members", "qualifying", "excluded_no_consent", "excluded_holdout", "held", "adds", "updates", "removes", "unchanged", "skipped_rejected",
                "recovered", "batches", "excluded_cap"], s["plan"]!.AsObject().Select(p => p.Key));
            Assert.Equal(("webhook", "email"), ((string)s["type"]!, (string)s["channel"]!));
            Assert.Empty(s["rejection_reasons"]!.AsObject());
        }
    }

    /// <summary>Sets a fresh environment variable to the secret for this test (unset on dispose); returns its name.</summary>
    private string Secret(string secret)
    {
        var variable = SyncLake.NewVariable();
        Environment.SetEnvironmentVariable(variable, secret);
        _variables.Add(variable);
        return variable;
    }
}
