using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;

namespace Cdp.Ingestion.Tests;

/// <summary>
/// Small files of one schema land several to a commit, each still exactly once with its own counts, rejects and
/// txn; a schema change starts a new commit; a failing file stops the source at that file.
/// </summary>
public sealed class BatchTests
{
    private static string[] DataCommits(Workspace w, string table)
        => Directory.GetFiles(Path.Combine(table, "_delta_log"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>Rows id = first..first+count-1; every <paramref name="badEvery"/>-th row's date does not read as a DATE.</summary>
    private static string Rows(int first, int count, int badEvery = 0)
        => "id,d\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"{i},{(badEvery > 0 && i % badEvery == 0 ? "not a date" : "2024-01-02")}\n"));

    /// <summary>Writes 1.csv, 2.csv, ... of a folder with the texts given; returns the folder's CSV source.</summary>
    private static SourceDefinition CsvFiles(Workspace w, string folder, params string[] texts)
    {
        for (var i = 0; i < texts.Length; i++) w.Write($"{folder}/{i + 1}.csv", texts[i]);
        return Workspace.Source(folder, SourceFormat.Csv, Path.Combine(w.Inputs, folder, "*.csv"));
    }

    private static SourceDefinition Daily(Workspace w)
        => Workspace.Source("daily", SourceFormat.Csv, Path.Combine(w.Inputs, "daily", "*.csv"), ',', ("d", "DATE"));

    [Fact]
    public async Task Small_files_land_in_one_commit_each_once_with_its_own_counts_and_rejects()
    {
        await using var w = new Workspace();
        for (var day = 1; day <= 20; day++) w.Write($"daily/{day:00}.csv", Rows(day * 100, 10 + day, badEvery: day % 4 == 0 ? 3 : 0));
        var table = w.Runner.TableUri("daily");

        var run = (await w.RunAsync(Daily(w))).Sources[0].Reconciled();
        Assert.Equal(20, run.FilesNew);
        // One data commit and one quarantine commit for the twenty files.
        Assert.Equal(["00000000000000000000.json"], DataCommits(w, table));
        Assert.Equal(["00000000000000000000.json"], DataCommits(w, w.Runner.QuarantineUri("daily")));
        var snapshot = await w.Session.SnapshotAsync(table);
        Assert.Equal(20, snapshot.AppTransactions.Count);

        // Each file's counts are its own: the table and the quarantine agree with the ledger, file by file.
        var landed = (await w.QueryAsync(table, "SELECT _source_file, count(*) FROM t GROUP BY 1")).ToDictionary(r => (string)r[0]!, r => Workspace.Long(r[1]));
        var rejected = (await w.QueryAsync(w.Runner.QuarantineUri("daily"), "SELECT _source_file, count(*) FROM t GROUP BY 1"))
            .ToDictionary(r => (string)r[0]!, r => Workspace.Long(r[1]));
        Assert.Equal(20, run.Files.Count);
        foreach (var file in run.Files)
        {
            var day = int.Parse(Path.GetFileNameWithoutExtension(file.File), System.Globalization.CultureInfo.InvariantCulture);
            var bad = day % 4 == 0 ? Enumerable.Range(day * 100, 10 + day).Count(i => i % 3 == 0) : 0;
            Assert.Equal((10L + day, 10L + day - bad, (long)bad), (file.RowsRead, file.RowsLanded, file.RowsQuarantined));
            Assert.Equal(file.RowsLanded, landed[file.File]);
            Assert.Equal(file.RowsQuarantined, rejected.GetValueOrDefault(file.File));
        }
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT file, rows_landed FROM t");
        Assert.Equal(landed.OrderBy(p => p.Key), ledger.Select(r => KeyValuePair.Create((string)r[0]!, Workspace.Long(r[1]))).OrderBy(p => p.Key));

        var again = (await w.RunAsync(Daily(w))).Sources[0].Reconciled();
        Assert.Equal((0, 20), (again.FilesNew, again.FilesSkipped));
        Assert.Single(DataCommits(w, table));
    }

    [Fact]
    public async Task A_file_with_other_columns_starts_a_new_commit()
    {
        await using var w = new Workspace();
        var source = CsvFiles(w, "mixed", "id,name\n1,a\n", "id,name\n2,b\n", "id,name,extra\n3,c,x\n", "id,name,extra\n4,d,y\n");
        var run = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal(4, run.FilesNew);
        var table = w.Runner.TableUri("mixed");
        Assert.Equal(2, DataCommits(w, table).Length);
        var rows = await w.QueryAsync(table, "SELECT id, extra FROM t ORDER BY id");
        Assert.Equal(["", "", "x", "y"], rows.Select(r => r[1] as string ?? ""));
    }

    [Fact]
    public async Task A_file_that_does_not_fit_stops_the_source_at_that_file()
    {
        await using var w = new Workspace();
        var source = CsvFiles(w, "ids", "id\n1\n", "id\n2\n", "id\nthree\n", "id\n4\n");
        var result = (await w.RunAsync(source)).Sources[0];
        Assert.False(result.Succeeded);
        Assert.Contains("3.csv", result.Error, StringComparison.Ordinal);
        Assert.Contains("does not fit the table", result.Error, StringComparison.Ordinal);
        Assert.Equal([FileStatus.Landed, FileStatus.Landed, FileStatus.Failed], result.Files.Select(f => f.Status));
        Assert.EndsWith("3.csv", result.Files[2].File, StringComparison.Ordinal);
        Assert.Equal([1L, 2L], (await w.QueryAsync(w.Runner.TableUri("ids"), "SELECT id FROM t ORDER BY id")).Select(r => Workspace.Long(r[0])));
    }

    [Fact]
    public async Task A_batch_quarantined_before_a_crash_is_landed_once_even_when_the_batch_grows()
    {
        await using var w = new Workspace();
        for (var day = 1; day <= 3; day++) w.Write($"daily/{day:00}.csv", Rows(day * 100, 9, badEvery: 3));
        await w.RunAsync(Daily(w));
        Assert.Equal(9, await w.CountAsync(w.Runner.QuarantineUri("daily")));
        // The state after a crash between the quarantine commit and the data commit; then a new file arrives, so the
        // re-run's batch is not the one that was quarantined.
        Directory.Delete(w.Runner.TableUri("daily"), recursive: true);
        Directory.Delete(w.Runner.LedgerUri, recursive: true);
        w.Write("daily/04.csv", Rows(400, 9, badEvery: 3));

        var rerun = (await w.RunAsync(Daily(w))).Sources[0].Reconciled();
        Assert.Equal((4, 24L, 12L), (rerun.FilesNew, rerun.RowsLanded, rerun.RowsQuarantined));
        Assert.Equal(24, await w.CountAsync(w.Runner.TableUri("daily")));
        Assert.Equal(12, await w.CountAsync(w.Runner.QuarantineUri("daily")));
        Assert.Equal(12, Workspace.Long((await w.QueryAsync(w.Runner.QuarantineUri("daily"), "SELECT count(DISTINCT (_source_file, _source_line)) FROM t"))[0][0]));
    }

    [Fact]
    public async Task A_lost_ledger_is_recovered_file_by_file_from_a_batch_commit()
    {
        await using var w = new Workspace();
        for (var day = 1; day <= 3; day++) w.Write($"daily/{day:00}.csv", Rows(day * 100, 3 + day, badEvery: 2));
        await w.RunAsync(Daily(w));
        Directory.Delete(w.Runner.LedgerUri, recursive: true);

        var rerun = (await w.RunAsync(Daily(w))).Sources[0];
        Assert.Equal(3, rerun.FilesSkipped);
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT status, rows_read, rows_landed, rows_quarantined, file FROM t ORDER BY file");
        Assert.Equal(3, ledger.Count);
        for (var day = 1; day <= 3; day++)
        {
            var row = ledger[day - 1];
            var bad = Enumerable.Range(day * 100, 3 + day).Count(i => i % 2 == 0);
            Assert.Equal(("recovered", 3L + day, 3L + day - bad, (long)bad), ((string)row[0]!, Workspace.Long(row[1]), Workspace.Long(row[2]), Workspace.Long(row[3])));
            Assert.EndsWith($"{day:00}.csv", (string)row[4]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_files_batch_by_their_inferred_types_and_a_line_beyond_the_sample_fails_only_its_file()
    {
        await using var w = new Workspace();
        for (var day = 1; day <= 4; day++) w.Write($"events/{day}.jsonl", $"{{\"id\":{day},\"v\":{day * 10}}}\n");
        w.Write("events/5.jsonl", "{\"id\":5,\"v\":50,\"extra\":\"x\"}\n");
        var source = Workspace.Source("events", SourceFormat.JsonLines, Path.Combine(w.Inputs, "events", "*.jsonl"));
        var table = w.Runner.TableUri("events");
        (await w.RunAsync(source)).Sources[0].Reconciled();
        // Files 1-4 in one commit; file 5 has another column and starts the next.
        Assert.Equal(2, DataCommits(w, table).Length);
        Assert.Equal([null, null, null, null, "x"], (await w.QueryAsync(table, "SELECT extra FROM t ORDER BY id")).Select(r => r[0] as string));

        // Numbers for the whole of DuckDB's sample, then text: that file cannot land in a BIGINT column; the file
        // before it in the same batch lands, the one after is not read.
        w.Write("events/6.jsonl", "{\"id\":6,\"v\":60}\n");
        w.Write("events/7.jsonl", string.Concat(Enumerable.Range(0, Staging.JsonLinesStager.SampleLines).Select(i => $"{{\"id\":7,\"v\":{i}}}\n")) + "{\"id\":7,\"v\":\"late text\"}\n");
        w.Write("events/8.jsonl", "{\"id\":8,\"v\":80}\n");
        var second = (await w.RunAsync(source)).Sources[0];
        Assert.False(second.Succeeded);
        Assert.Contains("7.jsonl", second.Error, StringComparison.Ordinal);
        Assert.Equal([FileStatus.Landed, FileStatus.Failed], second.Files.Where(f => f.Status != FileStatus.Skipped).Select(f => f.Status));
        Assert.Equal([1L, 2, 3, 4, 5, 6], (await w.QueryAsync(table, "SELECT DISTINCT id FROM t ORDER BY id")).Select(r => Workspace.Long(r[0])));
    }

    [Fact]
    public void Batches_keep_the_order_and_put_large_files_and_parquet_alone()
    {
        var store = new Cdp.Storage.InMemoryObjectStore();
        Discovery.SourceFile File(string name, long size) => new(name, store, name, size, DateTimeOffset.UnixEpoch);
        var files = new[] { File("a", 10), File("b", 10), File("big", FileIngestion.BatchBytes), File("c", 10), File("d", FileIngestion.BatchBytes - 15), File("e", 10) };
        var batches = FileIngestion.Batches(SourceFormat.Csv, files).Select(b => string.Join(",", b.Select(f => f.Key))).ToList();
        Assert.Equal(["a,b", "big", "c,d", "e"], batches);
        Assert.Equal(6, FileIngestion.Batches(SourceFormat.Parquet, files).Count());
        var many = Enumerable.Range(0, FileIngestion.BatchFiles + 1).Select(i => File($"f{i}", 1)).ToList();
        Assert.Equal([FileIngestion.BatchFiles, 1], FileIngestion.Batches(SourceFormat.JsonLines, many).Select(b => b.Count));
    }
}
