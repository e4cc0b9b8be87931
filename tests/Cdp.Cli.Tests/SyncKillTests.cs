using Cdp.Activation.Sandbox;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp sync</c> killed mid-run (the whole process tree, as a crash or a deploy would) and run again in a new
/// process: the receiver ends with exactly the intended members, each applied once, and the ledger has an outcome for
/// every record it announced.
/// </summary>
[Collection(Demo2000Collection.Name)]
public sealed class SyncKillTests(Demo2000Lake demo) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Starts <c>cdp sync</c> and kills its whole process tree once <paramref name="ready"/> holds (failing if it ends first).</summary>
    private static async Task KillOnceAsync(string[] sync, string project, IReadOnlyDictionary<string, string> environment, Func<bool> ready)
    {
        using var first = CdpProcess.Start(sync, project, environment);
        first.OutputDataReceived += (_, _) => { };
        first.ErrorDataReceived += (_, _) => { };
        first.BeginOutputReadLine();
        first.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!ready())
        {
            Assert.False(first.HasExited, $"the first run ended (exit {(first.HasExited ? first.ExitCode : 0)}) before it could be killed");
            await Task.Delay(10, deadline.Token);
        }
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync(deadline.Token);
    }

    [Fact]
    public async Task A_sync_killed_mid_run_resumes_in_a_new_process_and_applies_everyone_exactly_once()
    {
        var secret = SyncLake.NewSecret();
        var variable = SyncLake.NewVariable();
        // The receiver takes 8 requests a second; the destination asks for 5 with 25 members each, so ~500 members
        // take several seconds: time enough to kill the process between batches or while one is in flight.
        await using var server = new WebhookContractServer(secret, maxBatchSize: 25, rateLimit: 8);
        var lake = SyncLake.Create(_dir.Path("kill"), demo, $$"""
            destinations:
              hook:
                type: webhook
                audiences: [replenishment_due]
                url: '{{server.Endpoint}}'
                secret_env: {{variable}}
                limits: {batch_size: 25, concurrency: 2, requests_per_second: 5, timeout_seconds: 10}
            """);
        var intended = await SyncLake.IntendedAsync(lake.Lake, "replenishment_due", "email");
        Assert.True(intended.Count >= 200, $"{intended.Count} members: too few for the sync to take a while");
        var environment = new Dictionary<string, string> { [variable] = secret };
        string[] sync = [CdpProcess.CdpDll, "sync", "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json"];
        await KillOnceAsync(sync, lake.Project, environment, () => server.AppliedOperations >= 75);
        var heldAtKill = server.Members.Count;
        Assert.InRange(heldAtKill, 75, intended.Count - 1);

        var second = await CdpProcess.RunAsync(sync, lake.Project, TimeSpan.FromMinutes(5), environment);
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}\n{second.Stdout}\n{second.Stderr}");
        Assert.True((bool)second.JsonObject()["complete"]!);

        Assert.Equal(intended.Keys.Order(), server.Members.Keys.Order());
        Assert.All(intended, kv => Assert.Equal(kv.Value, server.Members[kv.Key]["email"]));
        Assert.Equal(intended.Keys.Order(), server.AppliedPerPerson.Keys.Order());
        Assert.All(server.AppliedPerPerson.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, server.RedundantOperations);

        var ledger = (await SyncLake.SqlAsync(lake.Lake, """
            SELECT
                (SELECT count(*) FROM gold.sync_ledger i WHERE i.event = 'intent' AND NOT EXISTS (
                    SELECT 1 FROM gold.sync_ledger o WHERE o.event = 'outcome' AND o.batch_id = i.batch_id AND o.person_id = i.person_id)) AS intents_without_outcome,
                (SELECT count(*) FROM gold.sync_ledger WHERE event = 'outcome' AND status = 'accepted') AS accepted,
                (SELECT count(DISTINCT person_id) FROM gold.sync_ledger WHERE event = 'outcome' AND status = 'accepted') AS accepted_people,
                (SELECT count(DISTINCT run_id) FROM gold.sync_ledger) AS runs
            """))[0]!;
        Assert.Equal(0, (long)ledger["intents_without_outcome"]!);
        Assert.Equal(intended.Count, (long)ledger["accepted"]!);
        Assert.Equal(intended.Count, (long)ledger["accepted_people"]!);
        Assert.Equal(2, (long)ledger["runs"]!);
    }

    /// <summary>
    /// The same for Meta Custom Audiences: the resumed run finds the audience the killed one created (by name), resends
    /// an announced batch under its session id, and the audience ends as an un-killed run leaves it, each row applied once.
    /// </summary>
    [Fact]
    public async Task A_meta_sync_killed_mid_run_resumes_without_a_second_audience_or_a_second_apply()
    {
        var token = "EAAB-kill-test-" + Guid.NewGuid().ToString("N");
        var variable = SyncLake.NewVariable();
        await using var server = new MetaContractServer(token, "1234567890", rateLimit: 50);
        var lake = SyncLake.Create(_dir.Path("meta-kill"), demo, $$"""
            destinations:
              ads:
                type: meta
                audiences: [vip]
                ad_account_id: act_1234567890
                api_version: {{server.ApiVersion}}
                token_env: {{variable}}
                base_url: '{{server.BaseUri}}'
                limits: {batch_size: 5, concurrency: 1, requests_per_second: 4, timeout_seconds: 10}
            """);
        var intended = await SyncLake.IntendedAsync(lake.Lake, "vip", "ads");
        Assert.True(intended.Count >= 40, $"{intended.Count} members: too few for the sync to take a while");
        var environment = new Dictionary<string, string> { [variable] = token };
        string[] sync = [CdpProcess.CdpDll, "sync", "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json"];
        await KillOnceAsync(sync, lake.Project, environment, () => server.PeopleIn("vip") >= 15);
        Assert.InRange(server.PeopleIn("vip"), 15, intended.Count - 1);

        var second = await CdpProcess.RunAsync(sync, lake.Project, TimeSpan.FromMinutes(5), environment);
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}\n{second.Stdout}\n{second.Stderr}");
        Assert.True((bool)second.JsonObject()["complete"]!);

        // The oracle: the same sync, never killed, into a fresh stand-in (people sharing an identifier are one person there).
        await using var reference = new MetaContractServer(token, "1234567890", rateLimit: 50);
        var clean = SyncLake.Create(_dir.Path("meta-clean"), demo, $$"""
            destinations:
              ads: {type: meta, audiences: [vip], ad_account_id: act_1234567890, api_version: {{reference.ApiVersion}}, token_env: {{variable}}, base_url: '{{reference.BaseUri}}'}
            """);
        var once = await CdpProcess.RunAsync([CdpProcess.CdpDll, "sync", "--project-dir", clean.Project, "--lake", clean.Lake, "--format", "json"],
            clean.Project, TimeSpan.FromMinutes(5), environment);
        Assert.True(once.ExitCode == 0, $"exit {once.ExitCode}\n{once.Stdout}\n{once.Stderr}");

        Assert.Equal(1, server.AudiencesNamed("vip"));
        Assert.Equal(reference.MembersOf("vip"), server.MembersOf("vip"));
        Assert.Equal(reference.PeopleIn("vip"), server.PeopleIn("vip"));
        Assert.True(server.PeopleIn("vip") >= intended.Count - 3, $"{server.PeopleIn("vip")} people for {intended.Count} members");
        // Each email applied as often as in the clean run (twice only for an email two members share): no batch was
        // applied again after the kill.
        Assert.Equal(reference.AppliedPerEmail.OrderBy(kv => kv.Key), server.AppliedPerEmail.OrderBy(kv => kv.Key));
        Assert.True(server.AppliedPerEmail.Values.Count(n => n == 1) >= server.AppliedPerEmail.Count - 3);
        Assert.Equal(0, server.ContractViolations);
    }

    /// <summary>
    /// Google Customer Match (Data Manager API) has no idempotency key: batches sent but without a committed outcome at
    /// the kill are resent, which Google applies again as no-ops. The list ends as an un-killed run leaves it, and only
    /// records without an outcome at the kill are applied twice.
    /// </summary>
    [Fact]
    public async Task A_google_sync_killed_mid_run_ends_with_the_list_an_unkilled_run_leaves()
    {
        const string list = "9876543210";
        var token = "ya29.kill-test-" + Guid.NewGuid().ToString("N");
        var variable = SyncLake.NewVariable();
        string Destination(Uri baseUri, string limits) => $$"""
            destinations:
              ads:
                type: google_data_manager
                audiences: [vip]
                operating_account_id: '123-456-7890'
                product_destination_id: '{{list}}'
                token_env: {{variable}}
                base_url: '{{baseUri}}'
            {{limits}}
            """;
        await using var server = new GoogleDataManagerContractServer(token, "1234567890", [list], rateLimit: 50);
        var lake = SyncLake.Create(_dir.Path("google-kill"), demo,
            // A long request timeout: a request that timed out after Google applied it would be sent again (Google has no
            // idempotency key), which is not what this test measures.
            Destination(server.BaseUri, "    limits: {batch_size: 5, concurrency: 1, requests_per_second: 4, timeout_seconds: 60}"));
        var intended = await SyncLake.IntendedAsync(lake.Lake, "vip", "ads");
        Assert.True(intended.Count >= 40, $"{intended.Count} members: too few for the sync to take a while");
        var environment = new Dictionary<string, string> { [variable] = token };
        string[] sync = [CdpProcess.CdpDll, "sync", "--project-dir", lake.Project, "--lake", lake.Lake, "--format", "json"];
        await KillOnceAsync(sync, lake.Project, environment, () => server.UserLists[list].Count >= 15);
        Assert.InRange(server.UserLists[list].Count, 15, intended.Count - 1);
        // Records announced but without an outcome at the kill: sent or not, the next run sends them (again).
        var unknown = (long)(await SyncLake.SqlAsync(lake.Lake, """
            SELECT count(*) AS n FROM gold.sync_ledger i WHERE i.event = 'intent' AND NOT EXISTS (
                SELECT 1 FROM gold.sync_ledger o WHERE o.event = 'outcome' AND o.batch_id = i.batch_id AND o.person_id = i.person_id)
            """))[0]!["n"]!;

        var second = await CdpProcess.RunAsync(sync, lake.Project, TimeSpan.FromMinutes(5), environment);
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}\n{second.Stdout}\n{second.Stderr}");
        Assert.True((bool)second.JsonObject()["complete"]!);

        await using var reference = new GoogleDataManagerContractServer(token, "1234567890", [list], rateLimit: 50);
        var clean = SyncLake.Create(_dir.Path("google-clean"), demo, Destination(reference.BaseUri, ""));
        var once = await CdpProcess.RunAsync([CdpProcess.CdpDll, "sync", "--project-dir", clean.Project, "--lake", clean.Lake, "--format", "json"],
            clean.Project, TimeSpan.FromMinutes(5), environment);
        Assert.True(once.ExitCode == 0, $"exit {once.ExitCode}\n{once.Stdout}\n{once.Stderr}");

        Assert.Equal(reference.UserLists[list].Keys.Order(StringComparer.Ordinal), server.UserLists[list].Keys.Order(StringComparer.Ordinal));
        Assert.True(server.UserLists[list].Count >= intended.Count - 3, $"{server.UserLists[list].Count} members for {intended.Count} people");
        // Only records whose outcome was unknown at the kill (batches sent whose outcome was not committed yet) may have
        // been applied twice.
        var twice = server.AppliedPerMember.Where(kv => kv.Value > reference.AppliedPerMember.GetValueOrDefault(kv.Key)).ToList();
        Assert.True(twice.Count <= unknown, $"{twice.Count} members applied more often than in the clean run, {unknown} records without outcome at the kill");
    }
}
