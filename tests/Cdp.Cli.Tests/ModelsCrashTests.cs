using System.Diagnostics;
using System.Globalization;
using Cdp.Cli.Tests.Support;
using Cdp.Lake;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp models run</c> rebuilding a slow table model is killed (with its whole process tree) at random moments.
/// Before each run the model is switched to the other of two SELECTs (different rows). After each kill the table opens
/// at the version it had, holding exactly its old rows, or, when the run committed first, at the next version with
/// exactly the new rows: never a mix, never missing. An un-killed run then commits exactly once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ModelsCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 6;

    /// <summary>Several seconds of work (a 50M-row aggregation) for 100,000 rows of output; the generation tags the rows.</summary>
    private static string Select(string generation, int modulus)
        => $"select i % 100000 as k, sum(hash(i) % {modulus}) as s, count(*) as n, '{generation}' as gen from range(50000000) t(i) group by k";

    private static readonly string OldSelect = Select("v1", 1000);
    private static readonly string NewSelect = Select("v2", 997);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Project => _dir.Path("project");

    private string Lake => _dir.Path("lake");

    private string Table => Path.Combine(Lake, "main", "slow");

    private string[] RunArgs => ["models", "run", "--project-dir", Project, "--lake", Lake];

    private void WriteModel(string select)
    {
        Directory.CreateDirectory(Path.Combine(Project, "models"));
        File.WriteAllText(Path.Combine(Project, "cdp.yml"), "name: crash\n");
        File.WriteAllText(Path.Combine(Project, "models", "slow.sql"), "{{ config(materialized='table') }}\n" + select + "\n");
    }

    [Fact]
    public async Task Killing_a_models_run_never_leaves_a_partial_or_mixed_table()
    {
        WriteModel(OldSelect);
        var clock = Stopwatch.StartNew();
        (await CdpProcess.RunCdpAsync(_dir.Root, RunArgs)).Succeeded();
        var fullRun = clock.Elapsed;
        var oldRows = await FingerprintAsync(OldSelect);
        var newRows = await FingerprintAsync(NewSelect);
        Assert.NotEqual(oldRows, newRows);
        var state = (Version: 0L, Rows: oldRows);
        await AssertTableAsync(state.Version, state.Rows);
        output.WriteLine($"first build: {fullRun.TotalSeconds:F1}s; old rows {oldRows}; new rows {newRows}");

        // The first build pays for cold caches; later runs are often quicker. Aim by the shortest whole run seen so far,
        // updated by every round that finished before its kill, so the kills keep landing inside runs.
        var shortestRun = fullRun;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var killed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // The next run would replace the table's rows by the other generation's.
            var next = state.Rows == oldRows ? (Select: NewSelect, Rows: newRows) : (Select: OldSelect, Rows: oldRows);
            WriteModel(next.Select);
            // From the runtime's start to just past a whole run: kills land while compiling, computing, writing the
            // data file, committing and refreshing the catalog; a few may come after the run finished. Every other
            // round aims at the last third, where the data file is written and committed. The last round, when no run
            // has been killed yet, aims at the middle of a run so that something is always tested.
            var run = shortestRun.TotalMilliseconds;
            var delay = round == Rounds - 1 && killed == 0
                ? TimeSpan.FromMilliseconds(run * 0.5)
                : TimeSpan.FromMilliseconds(random.Next(round % 2 == 0 ? 300 : (int)(run * 0.7), (int)(run * 1.05)));
            var started = Stopwatch.StartNew();
            using var process = StartCdp();
            var exit = process.WaitForExitAsync();
            var finished = await Task.WhenAny(exit, Task.Delay(delay)) == exit;
            if (finished)
            {
                if (started.Elapsed < shortestRun) shortestRun = started.Elapsed;
            }
            else
            {
                process.Kill(entireProcessTree: true);
                killed++;
            }
            await process.WaitForExitAsync();

            var versions = TableState.CommitVersions(Table);
            // A run killed after its commit (while refreshing the catalog) has committed too.
            if (versions[^1] == state.Version + 1) state = (state.Version + 1, next.Rows);
            await AssertTableAsync(state.Version, state.Rows);
            output.WriteLine($"round {round}: {(finished ? $"finished (exit {process.ExitCode})" : "killed")} after {delay.TotalMilliseconds:F0} ms; " +
                             $"version {state.Version}, {(state.Rows == oldRows ? "v1" : "v2")} rows; {TableState.DataFiles(Table).Count} data files on disk");
            if (finished) Assert.Equal(0, process.ExitCode);
        }
        Assert.True(killed > 0, "every run finished before its kill: nothing was tested");

        // An un-killed run succeeds and commits exactly once, with exactly the other generation's rows.
        var before = state.Version;
        var last = state.Rows == oldRows ? (Select: NewSelect, Rows: newRows) : (Select: OldSelect, Rows: oldRows);
        WriteModel(last.Select);
        (await CdpProcess.RunCdpAsync(_dir.Root, RunArgs)).Succeeded();
        await AssertTableAsync(before + 1, last.Rows);
        await using var lake = new LakeSession();
        var history = await lake.HistoryAsync(Table);
        Assert.Equal(before + 2, history.Count);
        Assert.Contains("model.crash.slow", history[0].OperationParameters!.ToJsonString(), StringComparison.Ordinal);

        // What killed runs wrote but never committed is unreferenced: vacuum removes it and the table stays whole.
        output.WriteLine($"before vacuum: {TableState.DataFiles(Table).Count} data files on disk");
        (await CdpCli.RunAsync("lake", "vacuum", Table, "--retain", "0", "--force")).Succeeded();
        Assert.Single(TableState.DataFiles(Table));
        await AssertTableAsync(before + 1, last.Rows);
    }

    private System.Diagnostics.Process StartCdp()
    {
        var process = CdpProcess.Start([CdpProcess.CdpDll, .. RunArgs], _dir.Root);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The table's log is versions 0..<paramref name="version"/>, it opens at that version with one data file, and its rows are <paramref name="rows"/>.</summary>
    private async Task AssertTableAsync(long version, string rows)
    {
        Assert.Equal(Enumerable.Range(0, (int)version + 1).Select(v => (long)v), TableState.CommitVersions(Table));
        await using var lake = new LakeSession();
        var snapshot = await lake.SnapshotAsync(Table);
        Assert.Equal(version, snapshot.Version);
        Assert.Single(snapshot.Files);
        Assert.Equal(rows, Fingerprint(await TableState.QueryAsync(Table, FingerprintSql)));
    }

    private const string FingerprintSql = "SELECT count(*), count(DISTINCT k), sum(s), sum(n), min(gen), max(gen), sum(hash(k, s, gen) % 1000003) FROM t";

    /// <summary>The same fingerprint computed from the model's SELECT itself, independently of any table.</summary>
    private static async Task<string> FingerprintAsync(string select)
    {
        await using var lake = new LakeSession();
        return Fingerprint((await lake.Engine.QueryAsync($"WITH t AS ({select}) {FingerprintSql}")).Rows);
    }

    private static string Fingerprint(IReadOnlyList<object?[]> rows)
        => string.Join("|", Assert.Single(rows).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
