using System.Diagnostics;
using Cdp.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp ingest</c> is killed at random moments while it lands files; after every kill the tables open, and after a
/// final complete run every source row is in the bronze table or the quarantine exactly once, and the ledger lists
/// every file once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class IngestCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Files = 30;
    private const int RowsPerFile = 200;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Killing_ingest_at_random_points_neither_loses_nor_duplicates_a_row()
    {
        IngestProject.Write(_dir.Root, Files, RowsPerFile);
        var lake = _dir.Path("lake");
        var customers = Path.Combine(lake, "bronze", "customers");
        var events = Path.Combine(lake, "bronze", "events");
        string[] args = [CdpProcess.CdpDll, "ingest", "--project-dir", _dir.Root, "--lake", lake, "--format", "json"];
        // Staged copies go to a folder of this test, so the ones a killed run leaves behind can be counted.
        var staging = _dir.Path("staging");
        var environment = new Dictionary<string, string> { ["CDP_STAGING_DIR"] = staging };
        var killed = 0;
        var killedPid = 0;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");

        for (var round = 0; round < 6; round++)
        {
            var before = TableState.CommitVersions(customers).Count + TableState.CommitVersions(events).Count;
            using var process = CdpProcess.Start(args, _dir.Root, environment);
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exit = process.WaitForExitAsync();
            var clock = Stopwatch.StartNew();
            while (!exit.IsCompleted && TableState.CommitVersions(customers).Count + TableState.CommitVersions(events).Count <= before && clock.Elapsed < TimeSpan.FromMinutes(2))
                await Task.Delay(10);
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 400));
            var exited = await Task.WhenAny(exit, Task.Delay(delay)) == exit;
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
                killed++;
                killedPid = process.Id;
            }
            await process.WaitForExitAsync();
            var landed = TableState.CommitVersions(customers).Count > 0 ? await TableState.CountAsync(customers) : 0;
            output.WriteLine($"round {round}: {(exited ? "finished" : $"killed {delay.TotalMilliseconds} ms after a commit")}, customers rows {landed}");
            if (exited) break;
        }

        output.WriteLine($"{killed} kill(s) left {StagingFolders(staging)} staging folder(s)");
        if (killedPid != 0)
        {
            // What a run killed while staging leaves: a folder named after its process, holding a partial copy.
            var leftover = Path.Combine(staging, $"cdp-ingest-{killedPid}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(leftover);
            File.WriteAllText(Path.Combine(leftover, "data.jsonl"), "{\"_source_line\":1,");
        }
        var final = (await CdpProcess.RunAsync(args, _dir.Root, TimeSpan.FromMinutes(10), environment)).Succeeded().JsonObject();
        Assert.True(final["succeeded"]!.GetValue<bool>());
        // The complete run removed what the killed runs left, and its own folders.
        Assert.Equal(0, StagingFolders(staging));

        long total = Files * RowsPerFile;
        await AssertExactlyOnceAsync(customers, Path.Combine(lake, "bronze", "_quarantine", "customers"), total, IngestProject.BadCsvRows(Files, RowsPerFile));
        await AssertExactlyOnceAsync(events, Path.Combine(lake, "bronze", "_quarantine", "events"), total, IngestProject.BadJsonLines(Files, RowsPerFile));

        var ledger = await TableState.QueryAsync(Path.Combine(lake, "bronze", "_ingest_runs"),
            "SELECT source, count(*), count(DISTINCT app_id), CAST(sum(rows_read) AS BIGINT), CAST(sum(rows_landed) + sum(rows_quarantined) AS BIGINT) FROM t WHERE status <> 'failed' GROUP BY source ORDER BY source");
        Assert.Equal(2, ledger.Count);
        Assert.All(ledger, r =>
        {
            Assert.Equal(Files, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Files, Convert.ToInt64(r[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(total, Convert.ToInt64(r[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(total, Convert.ToInt64(r[4], System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    private static int StagingFolders(string parent)
        => Directory.Exists(parent) ? Directory.GetDirectories(parent, "cdp-ingest-*").Length : 0;

    private static async Task AssertExactlyOnceAsync(string table, string quarantine, long total, long bad)
    {
        var data = await TableState.QueryAsync(table, "SELECT count(*), count(DISTINCT id), count(DISTINCT (_source_file, _source_line)) FROM t");
        Assert.Equal([total - bad, total - bad, total - bad], data[0].Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));
        var q = await TableState.QueryAsync(quarantine, "SELECT count(*), count(DISTINCT (_source_file, _source_line)) FROM t");
        Assert.Equal([bad, bad], q[0].Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
