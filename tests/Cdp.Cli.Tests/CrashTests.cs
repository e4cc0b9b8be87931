using System.Diagnostics;
using System.Globalization;
using Cdp.Cli.Tests.Support;
using Cdp.Lake;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// A writer process appending batches with --app-id/--app-version is killed at random moments. After each kill the
/// table opens and holds exactly the batches whose commits exist, each whole; re-running every batch commits only
/// the missing ones.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Batches = 60;
    private const int RowsPerBatch = 25;
    private const string AppId = "crash-feed";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Killing_the_writer_at_random_points_never_leaves_a_partial_or_duplicate_batch()
    {
        var table = _dir.Path("lake/bronze/feed");
        var script = CdpProcess.WriteScript(_dir.Path("feed.script"), Enumerable.Range(1, Batches).Select(b => new[]
        {
            "lake", "append", table, Inputs.IdBatch(_dir.Path($"in/b{b}.csv"), (long)b * 1000, RowsPerBatch, b),
            "--app-id", AppId, "--app-version", b.ToString(CultureInfo.InvariantCulture), "--format", "json",
        }));
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");

        var committedBefore = 0;
        for (var round = 0; round < 10; round++)
        {
            // Kill a random time after the writer's next commit, so kills land while it works (reading the input,
            // writing data files, committing, checkpointing) rather than while the runtime starts.
            using var writer = CdpProcess.StartDriver(script, _dir.Root);
            var exit = writer.WaitForExitAsync();
            var progressed = Stopwatch.StartNew();
            while (!exit.IsCompleted && TableState.CommitVersions(table).Count <= committedBefore && progressed.Elapsed < TimeSpan.FromMinutes(2))
                await Task.Delay(10);
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 600));
            var exited = await Task.WhenAny(exit, Task.Delay(delay)) == exit;
            if (!exited) writer.Kill(entireProcessTree: true);
            await writer.WaitForExitAsync();

            var committed = await AssertWholeBatchesAsync(table);
            Assert.True(committed > committedBefore || exited, $"round {round}: the writer made no progress");
            output.WriteLine($"round {round}: killed {delay.TotalMilliseconds} ms after a commit ({(exited ? "had finished" : "killed")}), " +
                $"{committed} batches committed, {TableState.DataFiles(table).Count - committed} orphan data files, " +
                $"{TableState.Files(Path.Combine(table, ".cdp-staging")).Count} staged files left");
            committedBefore = committed;
        }

        // Re-running every batch commits only the missing ones; once complete a re-run commits nothing.
        var complete = (await CdpProcess.RunDriverAsync(script, _dir.Root, TimeSpan.FromMinutes(10))).Succeeded();
        Assert.Equal(committedBefore, Occurrences(complete.Stdout, "\"already_committed\": true"));
        Assert.Equal(Batches - committedBefore, Occurrences(complete.Stdout, "\"already_committed\": false"));
        Assert.Equal(Batches, await AssertWholeBatchesAsync(table));
        var versions = TableState.CommitVersions(table);
        var rerun = await CdpProcess.RunDriverAsync(script, _dir.Root, TimeSpan.FromMinutes(10));
        rerun.Succeeded();
        Assert.DoesNotContain("\"already_committed\": false", rerun.Stdout);
        Assert.Equal(versions, TableState.CommitVersions(table));

        var ids = await TableState.IdsAsync(table);
        Assert.Equal(Batches * RowsPerBatch, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // Files a killed writer wrote but never committed are unreferenced: vacuum removes them and the table stays whole.
        (await CdpCli.RunAsync("lake", "vacuum", table, "--retain", "0", "--force")).Succeeded();
        Assert.Equal(Batches, TableState.DataFiles(table).Count);
        Assert.Equal(Batches * RowsPerBatch, await TableState.CountAsync(table));
    }

    private static int Occurrences(string text, string value)
    {
        var n = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>
    /// Checks the table after a kill and returns how many batches it holds: batches 1..k, each with all its rows and
    /// one commit, and the feed's recorded app version is k.
    /// </summary>
    private static async Task<int> AssertWholeBatchesAsync(string table)
    {
        var versions = TableState.CommitVersions(table);
        if (versions.Count == 0) return 0; // killed before the first commit
        Assert.Equal(Enumerable.Range(0, versions.Count).Select(v => (long)v), versions);

        await using var lake = new LakeSession();
        var snapshot = await lake.SnapshotAsync(table);
        var batches = await TableState.QueryAsync(table, "SELECT batch, count(*), count(DISTINCT id) FROM t GROUP BY batch ORDER BY batch");
        var k = batches.Count;
        Assert.Equal(Enumerable.Range(1, k).Select(b => (long)b), batches.Select(b => Convert.ToInt64(b[0], CultureInfo.InvariantCulture)));
        Assert.All(batches, b =>
        {
            Assert.Equal(RowsPerBatch, Convert.ToInt64(b[1], CultureInfo.InvariantCulture));
            Assert.Equal(RowsPerBatch, Convert.ToInt64(b[2], CultureInfo.InvariantCulture));
        });
        Assert.Equal(k, versions.Count); // one commit per batch, none twice
        Assert.Equal(k, snapshot.AppTransactionVersion(AppId));
        return k;
    }
}
