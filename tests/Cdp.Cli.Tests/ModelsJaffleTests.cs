using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Cli.Tests.Support;
using Cdp.Engine;

namespace Cdp.Cli.Tests;

/// <summary>
/// The acceptance test of <c>cdp models</c>: Projects/jaffle_like, a plain dbt project (dbt_project.yml, no
/// profiles.yml, seeds, staging views, marts tables, a macro, a Jinja loop, generic tests, a docs block) runs
/// unchanged, and its marts hold exactly the rows that the same logic written by hand in DuckDB SQL gives.
/// </summary>
public sealed class ModelsJaffleTests
{
    private const string Project = "jaffle_like";

    private static readonly string[] Seeds = ["raw_customers", "raw_orders", "raw_payments"];
    private static readonly string[] StagingViews = ["stg_customers", "stg_orders", "stg_payments"];
    private static readonly string[] Marts = ["customers", "orders"];

    /// <summary>Builds a fresh copy of the project into its own lake; the JSON summary must say everything succeeded.</summary>
    private static async Task<(ModelsProject Project, JsonObject Summary)> BuiltAsync()
    {
        var project = new ModelsProject(Project);
        var summary = (await project.ModelsAsync("build", "--format", "json")).Succeeded().JsonObject();
        return (project, summary);
    }

    [Fact]
    public async Task Build_succeeds_with_every_seed_model_and_test()
    {
        var (project, summary) = await BuiltAsync();
        using var _ = project;

        Assert.True((bool)summary["succeeded"]!);
        var counts = summary["counts"]!.AsObject();
        Assert.Equal(8, (int)counts["success"]!); // 3 seeds, 3 views, 2 tables
        Assert.Equal(15, (int)counts["pass"]!);
        foreach (var status in new[] { "error", "skipped", "fail", "warn" }) Assert.Equal(0, (int)counts[status]!);

        var results = summary["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(23, results.Count);
        Assert.Equal(
            Seeds.Select(s => $"seed.{Project}.{s}").Concat(StagingViews.Concat(Marts).Select(m => $"model.{Project}.{m}")).Order(StringComparer.Ordinal),
            results.Select(r => (string)r["unique_id"]!).Where(id => !id.StartsWith("test.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(results.Where(r => ((string)r["unique_id"]!).StartsWith("test.", StringComparison.Ordinal)), r => Assert.Equal("pass", (string)r["status"]!));
        Assert.All(results.Where(r => !((string)r["unique_id"]!).StartsWith("test.", StringComparison.Ordinal)), r => Assert.Equal("success", (string)r["status"]!));
        // Every kind of test of schema.yml ran.
        var tests = results.Select(r => (string)r["unique_id"]!).Where(id => id.StartsWith("test.", StringComparison.Ordinal)).ToList();
        foreach (var kind in new[] { "unique_", "not_null_", "accepted_values_", "relationships_" })
            Assert.Contains(tests, t => t.StartsWith($"test.{Project}.{kind}", StringComparison.Ordinal));

        // Seeds and tables are Delta tables at <lake>/main/<name>; views are not tables but stored SQL.
        foreach (var table in Seeds.Concat(Marts)) Assert.Equal([0L], TableState.CommitVersions(Path.Combine(project.Lake, "main", table)));
        foreach (var view in StagingViews) Assert.False(Directory.Exists(Path.Combine(project.Lake, "main", view)), view);
        Assert.Equal(StagingViews.Select(v => $"main.{v}.json").ToList(),
            TableState.Files(Path.Combine(project.Lake, "_cdp", "views")));
    }

    [Fact]
    public async Task The_customers_mart_has_the_rows_of_the_same_logic_in_plain_duckdb()
    {
        var (project, _) = await BuiltAsync();
        using var _p = project;
        var seeds = Path.Combine(project.Dir, "seeds");
        var expected = $"""
            WITH raw_customers AS (SELECT * FROM read_csv({Sql.Literal(Path.Combine(seeds, "raw_customers.csv"))})),
                 raw_orders AS (SELECT * FROM read_csv({Sql.Literal(Path.Combine(seeds, "raw_orders.csv"))})),
                 raw_payments AS (SELECT * FROM read_csv({Sql.Literal(Path.Combine(seeds, "raw_payments.csv"))})),
                 per_customer AS (
                     SELECT user_id, min(order_date) AS first_order, max(order_date) AS most_recent_order, count(*) AS n
                     FROM raw_orders GROUP BY user_id),
                 paid AS (
                     SELECT o.user_id, sum(CAST(p.amount / 100 AS DECIMAL(16, 2))) AS total
                     FROM raw_payments p LEFT JOIN raw_orders o ON o.id = p.order_id GROUP BY o.user_id)
            SELECT c.id AS customer_id, c.first_name, c.last_name, pc.first_order, pc.most_recent_order,
                   coalesce(pc.n, 0) AS number_of_orders, coalesce(pc.n, 0) >= 3 AS is_regular,
                   paid.total AS customer_lifetime_value
            FROM raw_customers c
            LEFT JOIN per_customer pc ON pc.user_id = c.id
            LEFT JOIN paid ON paid.user_id = c.id
            """;

        await AssertSameRowsAsync(project, "main.customers", expected, "customer_id");

        // An independent check of the money: the lifetime values add up to the payments' cents.
        var cents = File.ReadAllLines(Path.Combine(seeds, "raw_payments.csv")).Skip(1).Where(l => l.Length > 0)
            .Sum(l => long.Parse(l.Split(',')[3], CultureInfo.InvariantCulture));
        var total = (await project.SqlAsync("SELECT sum(customer_lifetime_value) AS v FROM main.customers"))[0]!["v"]!;
        Assert.Equal(cents / 100m, total.GetValue<decimal>());
        // Customers who never ordered (4, 20, 21, 22) are kept, with no dates and no money.
        var buyers = File.ReadAllLines(Path.Combine(seeds, "raw_orders.csv")).Skip(1).Where(l => l.Length > 0).Select(l => long.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToHashSet();
        var never = Enumerable.Range(1, 22).Select(i => (long)i).Where(i => !buyers.Contains(i)).ToList();
        Assert.Equal([4L, 20L, 21L, 22L], never);
        var idle = await project.SqlAsync("SELECT customer_id FROM main.customers WHERE first_order IS NULL AND customer_lifetime_value IS NULL AND number_of_orders = 0 ORDER BY 1");
        Assert.Equal(never, idle.Select(r => (long)r!["customer_id"]!).ToList());
    }

    [Fact]
    public async Task The_orders_mart_has_the_rows_of_the_same_logic_in_plain_duckdb()
    {
        var (project, _) = await BuiltAsync();
        using var _p = project;
        var seeds = Path.Combine(project.Dir, "seeds");
        var expected = $"""
            WITH raw_orders AS (SELECT * FROM read_csv({Sql.Literal(Path.Combine(seeds, "raw_orders.csv"))})),
                 payments AS (
                     SELECT order_id, payment_method, CAST(amount / 100 AS DECIMAL(16, 2)) AS amount
                     FROM read_csv({Sql.Literal(Path.Combine(seeds, "raw_payments.csv"))})),
                 by_order AS (
                     SELECT order_id,
                            sum(CASE WHEN payment_method = 'credit_card' THEN amount ELSE 0 END) AS credit_card_amount,
                            sum(CASE WHEN payment_method = 'coupon' THEN amount ELSE 0 END) AS coupon_amount,
                            sum(CASE WHEN payment_method = 'bank_transfer' THEN amount ELSE 0 END) AS bank_transfer_amount,
                            sum(CASE WHEN payment_method = 'gift_card' THEN amount ELSE 0 END) AS gift_card_amount,
                            sum(amount) AS total
                     FROM payments GROUP BY order_id)
            SELECT o.id AS order_id, o.user_id AS customer_id, o.order_date, o.status, b.total AS amount,
                   b.credit_card_amount, b.coupon_amount, b.bank_transfer_amount, b.gift_card_amount
            FROM raw_orders o LEFT JOIN by_order b ON b.order_id = o.id
            """;

        await AssertSameRowsAsync(project, "main.orders", expected, "order_id");

        // Order 17 has no payment: it is kept with null amounts.
        var unpaid = await project.SqlAsync("SELECT order_id FROM main.orders WHERE amount IS NULL AND gift_card_amount IS NULL");
        Assert.Equal([17L], unpaid.Select(r => (long)r!["order_id"]!).ToList());
    }

    /// <summary>
    /// Compares a mart, read with <c>cdp sql</c>, with the expected query run in a fresh DuckDB: the same column
    /// names and types, the same rows (every column) in the same order.
    /// </summary>
    private static async Task AssertSameRowsAsync(ModelsProject project, string relation, string expectedSql, string orderBy)
    {
        await using var engine = new DuckDbEngine();
        var expected = await engine.QueryAsync($"SELECT * FROM ({expectedSql}) ORDER BY {orderBy}");
        var expectedTypes = await engine.QueryAsync($"SELECT column_name, column_type FROM (DESCRIBE ({expectedSql}))");
        Assert.NotEmpty(expected.Rows);

        var actual = await project.SqlAsync($"SELECT * FROM {relation} ORDER BY {orderBy}");
        var actualTypes = await project.SqlAsync($"SELECT column_name, column_type FROM (DESCRIBE {relation})");

        Assert.Equal(expectedTypes.Rows.Select(r => $"{r[0]} {r[1]}").ToList(), actualTypes.Select(r => $"{r!["column_name"]} {r["column_type"]}").ToList());
        var columns = expected.Columns.Select(c => c.Name).ToList();
        Assert.Equal(expected.Rows.Count, actual.Count);
        for (var i = 0; i < expected.Rows.Count; i++)
        {
            var row = actual[i]!.AsObject();
            Assert.Equal(columns, row.Select(p => p.Key).ToList());
            var want = string.Join(" | ", expected.Rows[i].Select(v => ValueText.Json(v)?.ToJsonString() ?? "null"));
            var got = string.Join(" | ", columns.Select(c => row[c]?.ToJsonString() ?? "null"));
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public async Task The_artifacts_hold_the_docs_block_and_a_result_per_node()
    {
        var (project, summary) = await BuiltAsync();
        using var _ = project;

        var manifest = JsonNode.Parse(project.Read("target/manifest.json"))!;
        var docs = project.Read("models/marts/docs.md");
        var block = docs[(docs.IndexOf("%}", StringComparison.Ordinal) + 2)..docs.IndexOf("{% enddocs %}", StringComparison.Ordinal)].Trim();
        Assert.Contains("return_pending | the customer asked to return it", block, StringComparison.Ordinal);
        var orders = manifest["nodes"]![$"model.{Project}.orders"]!;
        Assert.Equal(block, (string?)orders["columns"]!["status"]!["description"]);
        Assert.Equal("One row per order, with its payments split by method.", (string?)orders["description"]);
        Assert.Equal("table", (string?)orders["config"]!["materialized"]);
        Assert.Equal("view", (string?)manifest["nodes"]![$"model.{Project}.stg_orders"]!["config"]!["materialized"]);

        var runResults = JsonNode.Parse(project.Read("target/run_results.json"))!;
        Assert.Equal((string?)summary["run_results"], project.File("target/run_results.json"));
        var results = runResults["results"]!.AsArray().Select(r => r!).ToDictionary(r => (string)r["unique_id"]!, StringComparer.Ordinal);
        Assert.Equal(summary["results"]!.AsArray().Select(r => (string)r!["unique_id"]!).Order(StringComparer.Ordinal),
            results.Keys.Order(StringComparer.Ordinal));
        Assert.All(results.Values, r => Assert.Contains((string)r["status"]!, new[] { "success", "pass" }));
        var rows = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [$"seed.{Project}.raw_customers"] = 22, [$"seed.{Project}.raw_orders"] = 40, [$"seed.{Project}.raw_payments"] = 54,
            [$"model.{Project}.customers"] = 22, [$"model.{Project}.orders"] = 40,
        };
        foreach (var (id, count) in rows)
        {
            Assert.Equal("success", (string)results[id]["status"]!);
            Assert.Equal(count, (long)results[id]["adapter_response"]!["rows_affected"]!);
        }
    }

    [Fact]
    public async Task A_second_build_gives_the_same_rows_a_new_version_of_each_table_and_the_same_views()
    {
        var (project, _) = await BuiltAsync();
        using var _p = project;
        var customers = (await project.SqlAsync("SELECT * FROM main.customers ORDER BY customer_id")).ToJsonString();
        var orders = (await project.SqlAsync("SELECT * FROM main.orders ORDER BY order_id")).ToJsonString();
        var views = Path.Combine(project.Lake, "_cdp", "views");
        var viewText = TableState.Files(views).ToDictionary(f => f, f => File.ReadAllText(Path.Combine(views, f)), StringComparer.Ordinal);

        var again = (await project.ModelsAsync("build", "--format", "json")).Succeeded().JsonObject();

        Assert.True((bool)again["succeeded"]!);
        Assert.Equal(customers, (await project.SqlAsync("SELECT * FROM main.customers ORDER BY customer_id")).ToJsonString());
        Assert.Equal(orders, (await project.SqlAsync("SELECT * FROM main.orders ORDER BY order_id")).ToJsonString());
        foreach (var table in Seeds.Concat(Marts))
        {
            Assert.Equal([0L, 1L], TableState.CommitVersions(Path.Combine(project.Lake, "main", table)));
            var result = again["results"]!.AsArray().Single(r => ((string)r!["unique_id"]!).EndsWith("." + table, StringComparison.Ordinal))!;
            Assert.Equal(1L, (long?)result["delta_version"]);
        }
        Assert.Equal(viewText, TableState.Files(views).ToDictionary(f => f, f => File.ReadAllText(Path.Combine(views, f)), StringComparer.Ordinal));
        foreach (var view in StagingViews) Assert.False(Directory.Exists(Path.Combine(project.Lake, "main", view)), view);
    }

    [Fact]
    public async Task Ls_with_plus_customers_lists_exactly_its_upstream_nodes_and_their_tests()
    {
        using var project = new ModelsProject(Project);

        var nodes = (await project.ModelsAsync("ls", "--format", "json", "-s", "+customers")).Succeeded().JsonArray()
            .Select(n => n!.AsObject()).ToList();

        var ids = nodes.Select(n => (string)n["unique_id"]!).ToList();
        Assert.Equal(
            new[] { "model.jaffle_like.customers", "model.jaffle_like.stg_customers", "model.jaffle_like.stg_orders", "model.jaffle_like.stg_payments",
                "seed.jaffle_like.raw_customers", "seed.jaffle_like.raw_orders", "seed.jaffle_like.raw_payments" },
            ids.Where(id => !id.StartsWith("test.", StringComparison.Ordinal)));
        Assert.DoesNotContain("model.jaffle_like.orders", ids);
        // The tests of the selected nodes follow them (the relationships test also touches customers); tests of orders alone do not.
        var tests = ids.Where(id => id.StartsWith("test.", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, tests.Count); // 2 + 3 + 3 on the staging views, 2 on customers, the relationships test
        Assert.Contains(tests, t => t.StartsWith("test.jaffle_like.relationships_orders_customer_id", StringComparison.Ordinal));
        Assert.DoesNotContain(tests, t => t.Contains("_orders_order_id", StringComparison.Ordinal) && !t.Contains("stg_", StringComparison.Ordinal));

        var customers = nodes.Single(n => (string)n["unique_id"]! == "model.jaffle_like.customers");
        Assert.Equal("table", (string?)customers["materialized"]);
        Assert.Equal("\"main\".\"customers\"", (string?)customers["relation"]);
        Assert.Equal("model.jaffle_like.stg_customers model.jaffle_like.stg_orders model.jaffle_like.stg_payments", (string?)customers["depends_on"]);
        Assert.Equal("view", (string?)nodes.Single(n => (string)n["unique_id"]! == "model.jaffle_like.stg_orders")["materialized"]);
        // ls only compiles: nothing is written to the lake.
        Assert.Empty(TableState.Files(project.Lake));
    }

    [Fact]
    public async Task Compile_expands_the_payment_method_loop()
    {
        using var project = new ModelsProject(Project);

        var compiled = (await project.ModelsAsync("compile", "--format", "json")).Succeeded().JsonObject();

        var path = project.File("target/compiled/jaffle_like/models/marts/orders.sql");
        Assert.True(File.Exists(path), path);
        var sql = File.ReadAllText(path);
        foreach (var method in new[] { "credit_card", "coupon", "bank_transfer", "gift_card" })
        {
            Assert.Contains($"sum(case when payment_method = '{method}' then amount else 0 end) as {method}_amount,", sql, StringComparison.Ordinal);
            Assert.Contains($"order_payments.{method}_amount", sql, StringComparison.Ordinal);
        }
        // loop.last: a comma after each column but the last one.
        Assert.Matches(@"order_payments\.bank_transfer_amount,\s+order_payments\.gift_card_amount\s+from orders", sql);
        Assert.DoesNotContain("{%", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", sql, StringComparison.Ordinal);
        Assert.Contains("from \"main\".\"stg_payments\"", sql, StringComparison.Ordinal);
        // The macro expanded in the staging view.
        Assert.Matches(@"cast\(amount / 100 as decimal\(16, 2\)\) as amount",
            File.ReadAllText(project.File("target/compiled/jaffle_like/models/staging/stg_payments.sql")));

        var node = compiled["nodes"]!.AsArray().Single(n => (string)n!["unique_id"]! == "model.jaffle_like.orders")!;
        Assert.Equal(sql.TrimEnd(), ((string?)node["compiled_sql"])?.TrimEnd());
        Assert.Equal(project.File("target/manifest.json"), (string?)compiled["manifest"]);
    }

    [Fact]
    public async Task Models_answer_by_bare_name_in_cdp_sql_and_in_the_catalog_file()
    {
        var (project, summary) = await BuiltAsync();
        using var _ = project;

        var viaSql = await project.SqlAsync("SELECT count(*) AS n FROM customers");
        Assert.Equal(22L, (long)viaSql[0]!["n"]!);
        Assert.Equal(40L, (long)(await project.SqlAsync("SELECT count(*) AS n FROM orders"))[0]!["n"]!);
        Assert.Equal(54L, (long)(await project.SqlAsync("SELECT count(*) AS n FROM stg_payments"))[0]!["n"]!);

        var catalog = project.File("target/catalog.duckdb");
        Assert.Equal(catalog, (string?)summary["catalog"]);
        using var client = new DuckDbEngine(catalog);
        Assert.Equal(22L, Convert.ToInt64((await client.QueryAsync("SELECT count(*) FROM customers")).Scalar, CultureInfo.InvariantCulture));
        Assert.Equal(22L, Convert.ToInt64((await client.QueryAsync("SELECT count(*) FROM main.customers")).Scalar, CultureInfo.InvariantCulture));
        var value = await client.QueryAsync("SELECT sum(amount) FROM stg_payments");
        var total = (await project.SqlAsync("SELECT sum(amount) AS v FROM main.stg_payments"))[0]!["v"]!.GetValue<decimal>();
        Assert.Equal(total, Convert.ToDecimal(value.Scalar, CultureInfo.InvariantCulture));
    }
}
