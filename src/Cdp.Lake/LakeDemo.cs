using Cdp.Delta;
using Cdp.Delta.Transactions;
using Cdp.Engine;

namespace Cdp.Lake;

/// <summary>One step of the demo and what it showed.</summary>
public sealed record DemoStep(string Name, string Result, double Seconds);

/// <summary>
/// The lake round trip that <c>cdp demo</c> runs until the full CDP pipeline lands: synthetic customers and orders
/// written as Delta tables under <c>&lt;lake&gt;/demo</c>, an idempotent re-run, an upsert, a GDPR erasure that
/// reaches old file versions through vacuum, time travel, and SQL over the lake's views.
/// </summary>
public sealed class LakeDemo
{
    private readonly LakeSession _lake;
    private readonly string _lakeUri;

    public LakeDemo(LakeSession lake, string lakeUri)
    {
        _lake = lake;
        _lakeUri = lakeUri.TrimEnd('/');
    }

    public string CustomersUri => _lakeUri + "/demo/customers";

    public string OrdersUri => _lakeUri + "/demo/orders";

    /// <summary>Runs every step, reporting each as it ends.</summary>
    public async Task<IReadOnlyList<DemoStep>> RunAsync(int customers, Action<DemoStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        var steps = new List<DemoStep>();
        async Task Step(string name, Func<Task<string>> work)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await work().ConfigureAwait(false);
            var step = new DemoStep(name, result, Math.Round(clock.Elapsed.TotalSeconds, 3));
            steps.Add(step);
            onStep?.Invoke(step);
        }

        var writer = _lake.Writer;
        var customerTable = _lake.OpenTable(CustomersUri);
        var orderTable = _lake.OpenTable(OrdersUri);
        await ResetAsync(customerTable, cancellationToken).ConfigureAwait(false);
        await ResetAsync(orderTable, cancellationToken).ConfigureAwait(false);

        await Step("create customers", async () =>
        {
            var r = await writer.WriteAsync(customerTable, CustomerSql(customers), WriteMode.Append,
                new WriteOptions { PartitionBy = ["country"], TableName = "customers" }, cancellationToken).ConfigureAwait(false);
            return $"{r.RowsWritten} rows in {r.FilesAdded} files, partitioned by country (version {r.Version})";
        }).ConfigureAwait(false);

        await Step("append order batches", async () =>
        {
            long rows = 0;
            for (var batch = 1; batch <= 3; batch++)
            {
                var r = await writer.WriteAsync(orderTable, OrderSql(customers, batch), WriteMode.Append,
                    new WriteOptions { AppTransaction = ("demo-orders", batch), TableName = "orders" }, cancellationToken).ConfigureAwait(false);
                rows += r.RowsWritten;
            }
            return $"{rows} orders in 3 commits";
        }).ConfigureAwait(false);

        await Step("re-run batch 3 (idempotent)", async () =>
        {
            var r = await writer.WriteAsync(orderTable, OrderSql(customers, 3), WriteMode.Append,
                new WriteOptions { AppTransaction = ("demo-orders", 3) }, cancellationToken).ConfigureAwait(false);
            return r.AlreadyCommitted ? "skipped: batch 3 was already committed" : $"WROTE {r.RowsWritten} duplicate rows";
        }).ConfigureAwait(false);

        await Step("upsert customer changes", async () =>
        {
            var r = await writer.MergeAsync(customerTable,
                $"SELECT customer_id, first_name, upper(email) AS email, country, signup_date, 'gold' AS tier FROM ({CustomerSql(customers)}) WHERE customer_id % 50 = 0 " +
                $"UNION ALL SELECT customer_id + {customers}, first_name, email, country, signup_date, 'new' FROM ({CustomerSql(20)})",
                ["customer_id"], null, cancellationToken).ConfigureAwait(false);
            return $"{r.RowsWritten} rows written, {r.FilesRemoved} files rewritten; new column 'tier' added (version {r.Version})";
        }).ConfigureAwait(false);

        long erasedVersionBefore = 0;
        await Step("erase customer 7 (GDPR)", async () =>
        {
            erasedVersionBefore = (await customerTable.GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false)).Version;
            var a = await writer.DeleteAsync(customerTable, "customer_id = 7", cancellationToken).ConfigureAwait(false);
            var b = await writer.DeleteAsync(orderTable, "customer_id = 7", cancellationToken).ConfigureAwait(false);
            return $"{a.RowsDeleted} customer row and {b.RowsDeleted} orders deleted";
        }).ConfigureAwait(false);

        await Step("time travel still sees erased rows", async () =>
        {
            var old = await CountAsync(CustomersUri, "customer_id = 7", erasedVersionBefore, cancellationToken).ConfigureAwait(false);
            var now = await CountAsync(CustomersUri, "customer_id = 7", null, cancellationToken).ConfigureAwait(false);
            return $"version {erasedVersionBefore}: {old} row, latest: {now} rows";
        }).ConfigureAwait(false);

        await Step("vacuum old file versions", async () =>
        {
            var a = await Vacuum.RunAsync(customerTable, TimeSpan.Zero, dryRun: false, force: true, cancellationToken).ConfigureAwait(false);
            var b = await Vacuum.RunAsync(orderTable, TimeSpan.Zero, dryRun: false, force: true, cancellationToken).ConfigureAwait(false);
            string travel;
            try
            {
                await CountAsync(CustomersUri, "customer_id = 7", erasedVersionBefore, cancellationToken).ConfigureAwait(false);
                travel = "old version STILL readable";
            }
            catch (DeltaException)
            {
                travel = "old version no longer readable: erasure complete";
            }
            return $"{a.Files.Count + b.Files.Count} files deleted; {travel}";
        }).ConfigureAwait(false);

        await Step("SQL over the lake", async () =>
        {
            await _lake.RegisterLakeAsync(_lakeUri, cancellationToken).ConfigureAwait(false);
            var result = await _lake.Engine.QueryAsync(
                "SELECT c.country, count(DISTINCT c.customer_id) AS customers, round(sum(o.amount), 2) AS revenue " +
                "FROM demo.customers c JOIN demo.orders o USING (customer_id) GROUP BY ALL ORDER BY revenue DESC LIMIT 1", cancellationToken).ConfigureAwait(false);
            var top = result.Rows[0];
            return $"top country {top[0]}: {top[1]} customers, revenue {top[2]}";
        }).ConfigureAwait(false);

        return steps;
    }

    private async Task<long> CountAsync(string uri, string where, long? version, CancellationToken ct)
    {
        var snapshot = await _lake.SnapshotAsync(uri, version, null, ct).ConfigureAwait(false);
        var scan = await _lake.ScanAsync(uri, snapshot, ct).ConfigureAwait(false);
        var r = await _lake.Engine.QueryAsync($"SELECT count(*) FROM ({scan}) WHERE {where}", ct).ConfigureAwait(false);
        return Convert.ToInt64(r.Scalar, System.Globalization.CultureInfo.InvariantCulture);
    }

    // The demo owns <lake>/demo: it starts from empty tables each run.
    private static async Task ResetAsync(DeltaTable table, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var o in table.Store.ListAsync("", null, ct).ConfigureAwait(false)) keys.Add(o.Key);
        foreach (var key in keys) await table.Store.DeleteAsync(key, ct).ConfigureAwait(false);
    }

    private static string CustomerSql(int n) =>
        "SELECT i AS customer_id, " +
        "(['Ana','Ben','Chloé','Dario','Emma','Farid','Greta','Hugo','Inès','Jonas'])[1 + (hash(i) % 10)::INT] AS first_name, " +
        "'customer' || i || '@example.com' AS email, " +
        "(['FR','DE','ES','IT','NL'])[1 + (hash(i * 7) % 5)::INT] AS country, " +
        "DATE '2023-01-01' + (hash(i * 13) % 700)::INT AS signup_date " +
        $"FROM range(1, {n + 1}) t(i)";

    private static string OrderSql(int customers, int batch) =>
        $"SELECT {batch} * 1000000 + i AS order_id, 1 + (hash(i * {batch + 31}) % {customers})::BIGINT AS customer_id, " +
        $"round(5 + (hash(i * {batch + 17}) % 20000) / 100.0, 2)::DECIMAL(10,2) AS amount, " +
        $"TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds((hash(i * {batch + 3}) % 31536000)::BIGINT) AS ordered_at " +
        $"FROM range(0, {customers * 2}) t(i)";
}
