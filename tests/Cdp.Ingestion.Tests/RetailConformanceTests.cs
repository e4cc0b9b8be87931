using Cdp.Ingestion.Config;
using Cdp.Testing;
using Xunit.Abstractions;

namespace Cdp.Ingestion.Tests;

/// <summary>
/// The UCI Online Retail December 2010 slice (shared/data/retail/online-retail, see its SOURCE.txt): cancellation
/// invoices ('C' prefix), 15,631 blank customer ids and float-formatted ids ("17850.0"). Read in place.
/// </summary>
public sealed class RetailConformanceTests(ITestOutputHelper output)
{
    private const int Rows = 42_481;

    private static string? RetailFolder => RepositoryPaths.SharedData is { } d && Directory.Exists(Path.Combine(d, "retail", "online-retail"))
        ? Path.Combine(d, "retail", "online-retail")
        : null;

    [Fact]
    public async Task The_retail_file_lands_or_is_quarantined_with_reasons_and_reconciles()
    {
        if (RetailFolder is not { } folder)
        {
            output.WriteLine("SKIPPED: shared/data/retail/online-retail is absent (set CDP_TEST_DATA to the shared data folder).");
            return;
        }
        await using var w = new Workspace();
        // Sniffed types, as a user would first try; then the declared types a staging model would want.
        var sniffed = (await w.RunAsync(Workspace.Source("retail", SourceFormat.Csv, Path.Combine(folder, "*.csv")))).Sources[0].Reconciled();
        Assert.Equal(Rows, sniffed.RowsRead);
        Assert.Equal(Rows, sniffed.RowsLanded + sniffed.RowsQuarantined);
        var table = w.Runner.TableUri("retail");
        Assert.Equal(sniffed.RowsLanded, await w.CountAsync(table));
        if (sniffed.RowsQuarantined > 0)
            Assert.Equal(0, await w.CountAsync(w.Runner.QuarantineUri("retail"), "reason IS NULL OR raw IS NULL OR _source_line < 2"));

        var typed = (await w.RunAsync(Workspace.Source("retail_typed", SourceFormat.Csv, Path.Combine(folder, "*.csv"), ',',
            ("InvoiceNo", "VARCHAR"), ("StockCode", "VARCHAR"), ("Quantity", "INTEGER"), ("InvoiceDate", "TIMESTAMP"), ("UnitPrice", "DECIMAL(10,2)"),
            ("CustomerID", "DOUBLE")))).Sources[0].Reconciled();
        Assert.Equal((Rows, Rows, 0L), (typed.RowsRead, typed.RowsLanded, typed.RowsQuarantined));
        var t = w.Runner.TableUri("retail_typed");
        Assert.Equal(728, await w.CountAsync(t, "starts_with(InvoiceNo, 'C')"));
        Assert.Equal(15_631, await w.CountAsync(t, "CustomerID IS NULL"));
        Assert.Equal(948, Workspace.Long((await w.QueryAsync(t, "SELECT count(DISTINCT CustomerID) FROM t"))[0][0]));
        Assert.Equal(2_025, Workspace.Long((await w.QueryAsync(t, "SELECT count(DISTINCT InvoiceNo) FROM t"))[0][0]));
        var first = (await w.QueryAsync(t, "SELECT InvoiceNo, StockCode, Quantity, UnitPrice, CustomerID, _source_line FROM t ORDER BY _source_line LIMIT 1"))[0];
        Assert.Equal(("536365", "85123A", 6, 2.55m, 17850.0, 2L), ((string)first[0]!, (string)first[1]!, (int)first[2]!, (decimal)first[3]!, (double)first[4]!, Workspace.Long(first[5])));
        Assert.Equal(Rows + 1, Workspace.Long((await w.QueryAsync(t, "SELECT max(_source_line) FROM t"))[0][0]));
        output.WriteLine($"sniffed: {sniffed.RowsLanded} landed, {sniffed.RowsQuarantined} quarantined; typed: all {typed.RowsLanded} landed");
    }
}
