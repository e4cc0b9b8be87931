using System.Globalization;
using Cdp.Cli.Tests.Support;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Lake;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// An overwrite racing an append: whoever loses retries or fails with ConcurrentModification, and the table always
/// equals one of the serial orders of the writes that committed: never a lost update.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class OverwriteRaceTests(ITestOutputHelper output) : IDisposable
{
    // The table starts with Z; the overwrite writes X; the append adds Y.
    private static readonly long[] Z = [1, 2, 3];
    private static readonly long[] X = [100, 101, 102, 103];
    private static readonly long[] Y = [200, 201];
    private const string OverwriteSql = "SELECT 99 + i AS id, 'x' AS name FROM range(1, 5) t(i)";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(string Table, string AppendInput)> BaseTableAsync(string name)
    {
        var table = _dir.Path(name);
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path(name + "-z.csv"), "id,name", "1,z", "2,z", "3,z"))).Succeeded();
        return (table, Inputs.Csv(_dir.Path(name + "-y.csv"), "id,name", "200,y", "201,y"));
    }

    private static LakeSession SessionWith(string table, Func<Task> beforeFirstCommit)
    {
        var store = new InterceptingStore(table) { BeforeFirstCommit = beforeFirstCommit };
        return new LakeSession(resolve: uri => Path.GetFullPath(uri) == store.Location ? store : new Cdp.Storage.LocalObjectStore(Path.GetFullPath(uri)));
    }

    [Fact]
    public async Task An_append_committed_while_an_overwrite_computes_makes_the_overwrite_retry_and_win()
    {
        var (table, y) = await BaseTableAsync("retry");
        WriteResult? append = null;
        await using var lake = SessionWith(table, async () =>
        {
            await using var other = new LakeSession();
            append = await other.AppendFileAsync(table, y);
        });

        var overwrite = await lake.Writer.WriteAsync(lake.OpenTable(table), OverwriteSql, WriteMode.Overwrite);

        Assert.Equal(1, append!.Version);
        Assert.Equal(2, overwrite.Version);
        Assert.True(overwrite.Attempts >= 2, $"the overwrite should have lost version 1 and retried (attempts {overwrite.Attempts})");
        Assert.Equal(2, overwrite.FilesRemoved); // what it re-read: the base file and the append's file
        Assert.Equal(X, await TableState.IdsAsync(table)); // serial order: append, then overwrite
    }

    [Fact]
    public async Task Without_retries_the_losing_overwrite_fails_with_concurrent_modification_and_leaves_no_files()
    {
        var (table, y) = await BaseTableAsync("fail");
        await using var lake = SessionWith(table, async () =>
        {
            await using var other = new LakeSession();
            await other.AppendFileAsync(table, y);
        });

        var e = await Assert.ThrowsAsync<DeltaException>(() =>
            lake.Writer.WriteAsync(lake.OpenTable(table), OverwriteSql, WriteMode.Overwrite, new WriteOptions { ConflictRetries = 0 }));
        Assert.Equal(DeltaErrorKind.ConcurrentModification, e.Kind);
        Assert.Contains("version 1", e.Message);

        Assert.Equal([.. Z, .. Y], await TableState.IdsAsync(table)); // serial order: the append alone
        Assert.Equal(2, TableState.DataFiles(table).Count); // the overwrite's written files were discarded
        Assert.Equal([0L, 1L], TableState.CommitVersions(table));
    }

    [Fact]
    public async Task An_overwrite_committed_while_an_append_computes_moves_the_append_after_it()
    {
        var (table, y) = await BaseTableAsync("after");
        WriteResult? overwrite = null;
        await using var lake = SessionWith(table, async () =>
        {
            await using var other = new LakeSession();
            overwrite = await other.Writer.WriteAsync(other.OpenTable(table), OverwriteSql, WriteMode.Overwrite);
        });

        var append = await lake.AppendFileAsync(table, y);

        Assert.Equal(1, overwrite!.Version);
        Assert.Equal(2, append.Version);
        Assert.Equal(2, append.Attempts);
        Assert.Equal([.. X, .. Y], await TableState.IdsAsync(table)); // serial order: overwrite, then append (not lost)
    }

    [Fact]
    public async Task Racing_threads_always_leave_a_serial_order()
    {
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 12; round++)
        {
            var (table, y) = await BaseTableAsync($"round{round}");
            using var start = new Barrier(2);
            var overwriteTask = Task.Factory.StartNew(async () =>
            {
                await using var lake = new LakeSession();
                start.SignalAndWait();
                try
                {
                    return (await lake.Writer.WriteAsync(lake.OpenTable(table), OverwriteSql, WriteMode.Overwrite, new WriteOptions { ConflictRetries = round % 2 })).Version;
                }
                catch (DeltaException e) when (e.Kind == DeltaErrorKind.ConcurrentModification)
                {
                    return -1;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            var appendTask = Task.Factory.StartNew(async () =>
            {
                await using var lake = new LakeSession();
                start.SignalAndWait();
                return (await lake.AppendFileAsync(table, y)).Version;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            var (vo, va) = (await overwriteTask, await appendTask);

            // Replay the committed writes in version order: the table must equal that serial execution.
            var expected = new List<long>(Z);
            foreach (var (version, isOverwrite) in new[] { (vo, true), (va, false) }.Where(w => w.Item1 >= 0).OrderBy(w => w.Item1))
            {
                if (isOverwrite) expected = [.. X];
                else expected.AddRange(Y);
            }
            expected.Sort();
            Assert.Equal(expected, await TableState.IdsAsync(table));
            Assert.Equal(Enumerable.Range(0, 1 + (vo >= 0 ? 1 : 0) + 1).Select(v => (long)v), TableState.CommitVersions(table));

            var outcome = vo < 0 ? "overwrite failed" : vo < va ? "overwrite first" : "append first";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}: {kv.Value}"))));
    }
}
