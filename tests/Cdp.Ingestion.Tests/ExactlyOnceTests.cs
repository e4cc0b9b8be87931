using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;

namespace Cdp.Ingestion.Tests;

/// <summary>Each file is committed once: re-runs skip it, a new or changed file lands, and the ledger reconciles.</summary>
public sealed class ExactlyOnceTests
{
    [Fact]
    public async Task Reingesting_commits_only_new_files_and_every_row_lands_once()
    {
        await using var w = new Workspace();
        w.Write("orders/1.csv", Rows(1, 100));
        w.Write("orders/2.csv", Rows(101, 50));
        var source = Workspace.Source("orders", SourceFormat.Csv, Path.Combine(w.Inputs, "orders", "*.csv"));
        var table = w.Runner.TableUri("orders");

        var first = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal((2, 0, 150L), (first.FilesNew, first.FilesSkipped, first.RowsLanded));

        var again = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal((0, 2, 0L), (again.FilesNew, again.FilesSkipped, again.RowsRead));

        w.Write("orders/3.csv", Rows(151, 25));
        var third = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal((1, 2, 25L), (third.FilesNew, third.FilesSkipped, third.RowsLanded));
        Assert.EndsWith("3.csv", third.Files.Single(f => f.Status == FileStatus.Landed).File);

        Assert.Equal(175, await w.CountAsync(table));
        Assert.Equal(175, Workspace.Long((await w.QueryAsync(table, "SELECT count(DISTINCT id) FROM t"))[0][0]));
        Assert.Equal(175, Workspace.Long((await w.QueryAsync(table, "SELECT count(DISTINCT (_source_file, _source_line)) FROM t"))[0][0]));
        Assert.Equal(2, Workspace.Long((await w.QueryAsync(table, "SELECT count(DISTINCT _batch_id) FROM t"))[0][0]));

        // The ledger lists each landed file once, and its counts match the table.
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT file, rows_read, rows_landed, rows_quarantined, status FROM t ORDER BY file");
        Assert.Equal(3, ledger.Count);
        Assert.All(ledger, r => Assert.Equal("landed", r[4]));
        Assert.Equal(175, ledger.Sum(r => Workspace.Long(r[2])));
    }

    [Fact]
    public async Task A_changed_file_is_a_new_file()
    {
        await using var w = new Workspace();
        var path = w.Write("c.csv", Rows(1, 10));
        var source = Workspace.Source("c", SourceFormat.Csv, path);
        await w.RunAsync(source);
        w.Write("c.csv", Rows(1, 12));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var second = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal(1, second.FilesNew);
        Assert.Equal(22, await w.CountAsync(w.Runner.TableUri("c")));
    }

    [Fact]
    public async Task A_lost_ledger_row_is_recovered_from_the_data_commit()
    {
        await using var w = new Workspace();
        var path = w.Write("c.csv", "id,d\n1,2024-01-01\n2,nope\n3,2024-01-03\n");
        var source = Workspace.Source("c", SourceFormat.Csv, path, ',', ("d", "DATE"));
        await w.RunAsync(source);
        // As if the process died after the data commit and before the ledger commit.
        Directory.Delete(w.Runner.LedgerUri, recursive: true);
        var rerun = (await w.RunAsync(source)).Sources[0];
        Assert.Equal(1, rerun.FilesSkipped);
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT status, rows_read, rows_landed, rows_quarantined, file FROM t");
        var row = Assert.Single(ledger);
        Assert.Equal(("recovered", 3L, 2L, 1L, path), ((string)row[0]!, Workspace.Long(row[1]), Workspace.Long(row[2]), Workspace.Long(row[3]), (string)row[4]!));
        // Recovered once only.
        await w.RunAsync(source);
        Assert.Equal(1, await w.CountAsync(w.Runner.LedgerUri));
    }

    [Fact]
    public async Task A_quarantine_committed_before_a_crash_is_not_committed_twice()
    {
        await using var w = new Workspace();
        var path = w.Write("c.csv", "id,d\n1,2024-01-01\n2,nope\n");
        var source = Workspace.Source("c", SourceFormat.Csv, path, ',', ("d", "DATE"));
        await w.RunAsync(source);
        // Remove the data commit only: the state after a crash between the quarantine commit and the data commit.
        Directory.Delete(w.Runner.TableUri("c"), recursive: true);
        var rerun = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal((1L, 1L), (rerun.RowsLanded, rerun.RowsQuarantined));
        Assert.Equal(1, await w.CountAsync(w.Runner.QuarantineUri("c")));
        Assert.Equal(1, await w.CountAsync(w.Runner.TableUri("c")));
    }

    internal static string Rows(int first, int count)
        => "id,name,amount\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"{i},name {i},{i * 1.5}\n"));
}
