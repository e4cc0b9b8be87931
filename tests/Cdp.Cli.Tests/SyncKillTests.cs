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

        using (var first = CdpProcess.Start(sync, lake.Project, environment))
        {
            first.OutputDataReceived += (_, _) => { };
            first.ErrorDataReceived += (_, _) => { };
            first.BeginOutputReadLine();
            first.BeginErrorReadLine();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (server.AppliedOperations < 75)
            {
                Assert.False(first.HasExited, $"the first run ended (exit {(first.HasExited ? first.ExitCode : 0)}) before it could be killed");
                await Task.Delay(10, deadline.Token);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(deadline.Token);
        }
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
}
