using System.Diagnostics;
using System.Globalization;
using Cdp.Cli.Tests.Support;
using Cdp.Lake;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// Many writers appending to one new local table at once: every append commits exactly once, versions are contiguous,
/// and every id is present exactly once.
/// </summary>
/// <remarks>
/// The 8 x 50 test runs its appends through the batch driver (<see cref="Program"/>: each of the 8 processes runs 50
/// real <c>cdp lake append</c> command lines through <see cref="CdpApp.RunAsync"/>), not 400 <c>dotnet cdp.dll</c>
/// starts. Measured here on 2 cores: one <c>dotnet cdp.dll lake append</c> costs about 0.8 CPU-seconds (0.55 user,
/// 0.25 system), mostly runtime start and JIT, so 400 of them need over 160 s of wall time on their own, more than the
/// whole suite's budget. Real <c>dotnet cdp.dll</c> processes racing each other are covered by the smaller test below
/// (8 writers x 2 sequential process starts).
/// </remarks>
[Collection(ProcessCollection.Name)]
public sealed class ConcurrentAppendTests(ITestOutputHelper output) : IDisposable
{
    private const int Writers = 8;
    private const int RowsPerAppend = 3;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes the CSV of each append: writer w's append i holds ids of batch w * appends + i.</summary>
    private List<List<string>> WriteBatches(int appendsPerWriter)
    {
        var inputs = new List<List<string>>();
        for (var w = 0; w < Writers; w++)
        {
            var files = new List<string>();
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var batch = (long)w * appendsPerWriter + i;
                files.Add(Inputs.IdBatch(_dir.Path($"in/w{w}/b{i}.csv"), batch * RowsPerAppend + 1, RowsPerAppend, batch));
            }
            inputs.Add(files);
        }
        return inputs;
    }

    [Fact]
    public async Task Eight_processes_appending_50_times_each_commit_400_contiguous_versions_and_lose_nothing()
    {
        const int appends = 50;
        var table = _dir.Path("lake/bronze/events");
        var inputs = WriteBatches(appends);
        var scripts = inputs.Select((files, w) => CdpProcess.WriteScript(_dir.Path($"w{w}.script"),
            files.Select(f => new[] { "lake", "append", table, f, "--format", "json" }))).ToList();

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(scripts.Select(s => CdpProcess.RunDriverAsync(s, _dir.Root, TimeSpan.FromMinutes(10))));
        output.WriteLine($"{Writers} processes x {appends} appends: {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var r in results) r.Succeeded();
        // Each append printed one JSON summary; together they name every version once.
        var versions = results.SelectMany(r => SummaryVersions(r.Stdout)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Writers * appends).Select(v => (long)v), versions);

        await AssertEveryAppendCommittedOnceAsync(table, Writers * appends);
    }

    [Fact]
    public async Task Eight_real_cdp_processes_racing_commit_every_append_once()
    {
        const int appends = 2;
        var table = _dir.Path("lake/bronze/raced");
        var inputs = WriteBatches(appends);

        var clock = Stopwatch.StartNew();
        var writers = inputs.Select(async files =>
        {
            foreach (var f in files) (await CdpProcess.RunCdpAsync(_dir.Root, "lake", "append", table, f, "--format", "json")).Succeeded();
        });
        await Task.WhenAll(writers);
        output.WriteLine($"{Writers} writers x {appends} cdp processes: {clock.Elapsed.TotalSeconds:0.0} s");

        await AssertEveryAppendCommittedOnceAsync(table, Writers * appends);
    }

    [Fact]
    public async Task Eight_threads_with_a_session_each_appending_50_times_commit_400_contiguous_versions()
    {
        const int appends = 50;
        var table = _dir.Path("lake/bronze/threads");
        var inputs = WriteBatches(appends);

        var clock = Stopwatch.StartNew();
        using var start = new Barrier(Writers);
        var threads = inputs.Select(files => Task.Factory.StartNew(async () =>
        {
            await using var lake = new LakeSession();
            start.SignalAndWait();
            var versions = new List<long>();
            foreach (var f in files)
            {
                var r = await lake.AppendFileAsync(table, f);
                Assert.False(r.AlreadyCommitted);
                Assert.Equal(RowsPerAppend, r.RowsWritten);
                versions.Add(r.Version);
            }
            return versions;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
        var committed = (await Task.WhenAll(threads)).SelectMany(v => v).Order().ToList();
        output.WriteLine($"{Writers} threads x {appends} appends: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Enumerable.Range(0, Writers * appends).Select(v => (long)v), committed);

        await AssertEveryAppendCommittedOnceAsync(table, Writers * appends);
    }

    private static IEnumerable<long> SummaryVersions(string stdout)
    {
        // The driver prints one indented JSON object per append; "version" lines carry the committed version.
        foreach (var line in stdout.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("\"version\":", StringComparison.Ordinal))
                yield return long.Parse(t["\"version\":".Length..].Trim().TrimEnd(','), CultureInfo.InvariantCulture);
        }
    }

    private static async Task AssertEveryAppendCommittedOnceAsync(string table, int appends)
    {
        // Versions 0..N-1, no gap, no extra commit.
        Assert.Equal(Enumerable.Range(0, appends).Select(v => (long)v), TableState.CommitVersions(table));

        var history = (await CdpCli.RunAsync("lake", "history", table, "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(appends, history.Count);
        Assert.All(history, h =>
        {
            Assert.Equal("WRITE", (string)h!["operation"]!);
            Assert.Equal("Append", (string)h["parameters"]!["mode"]!);
            Assert.Equal(1, (long)h["adds"]!);
            Assert.Equal(RowsPerAppend, (long)h["metrics"]!["numOutputRows"]!);
        });

        // Every id once, every batch whole.
        var ids = await TableState.IdsAsync(table);
        Assert.Equal(Enumerable.Range(1, appends * RowsPerAppend).Select(i => (long)i), ids);
        var batches = await TableState.QueryAsync(table, "SELECT batch, count(*) FROM t GROUP BY batch ORDER BY batch");
        Assert.Equal(appends, batches.Count);
        Assert.All(batches, b => Assert.Equal(RowsPerAppend, Convert.ToInt64(b[1], CultureInfo.InvariantCulture)));

        // Losers of the race to create the table discarded their files: one data file per commit, no orphans.
        Assert.Equal(appends, TableState.DataFiles(table).Count);
        var d = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(appends - 1, (long)d["version"]!);
        Assert.Equal(appends * RowsPerAppend, (long)d["rows"]!);
    }
}
