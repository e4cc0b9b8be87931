using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Execution;

public sealed class MaterializationTests : IDisposable
{
    private readonly TestProject _project = new();

    public MaterializationTests()
    {
        _project
            .Write("seeds/raw_orders.csv", "id,customer,amount,status\n1,a,10.5,placed\n2,a,20,shipped\n3,b,7.25,placed\n4,c,1,returned\n")
            .Write("models/staging/stg_orders.sql", "{{ config(materialized='view', schema='silver') }}\nselect id, customer, amount, status from {{ ref('raw_orders') }}")
            .Write("models/staging/big_orders.sql", "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }} where amount >= 7")
            .Write("models/marts/customer_totals.sql", "{{ config(materialized='table', schema='gold') }}\nselect customer, sum(amount) as total, count(*) as orders from {{ ref('big_orders') }} group by customer");
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Seed_view_ephemeral_and_table_build_in_order_and_give_the_right_rows()
    {
        var outcome = await _project.BuildAsync();

        Assert.True(outcome.Summary.Succeeded, string.Join("\n", outcome.Summary.Results.Select(r => r.Message)));
        Assert.Equal(["a|30.5|2", "b|7.25|1"], await _project.RowsAsync("SELECT customer, total, orders FROM gold.customer_totals"));
        // The table is a Delta table in the lake at <lake>/<schema>/<name>.
        Assert.True(Directory.Exists(_project.Path("lake/gold/customer_totals/_delta_log")));
        Assert.True(Directory.Exists(_project.Path("lake/main/raw_orders/_delta_log")));
        // The view is not a table: it is stored as SQL and recreated by every later session.
        Assert.False(Directory.Exists(_project.Path("lake/silver/stg_orders")));
        Assert.Equal(["4"], await _project.RowsAsync("SELECT count(*) FROM silver.stg_orders"));
        // The ephemeral model exists nowhere: it was inlined as a CTE.
        var compiled = File.ReadAllText(_project.Path("target/compiled/shop/models/marts/customer_totals.sql"));
        Assert.Contains("\"__cdp_ephemeral__big_orders\" AS (", compiled, StringComparison.Ordinal);
        Assert.Empty(await _project.RowsAsync("SELECT * FROM information_schema.tables WHERE table_name = 'big_orders'"));
    }

    [Fact]
    public async Task Models_are_addressable_by_bare_name_in_sql()
    {
        await _project.BuildAsync();
        Assert.Equal(["a|30.5"], await _project.RowsAsync("SELECT customer, total FROM customer_totals WHERE customer = 'a'"));
        Assert.Equal(["4"], await _project.RowsAsync("SELECT count(*) FROM stg_orders"));
    }

    [Fact]
    public async Task Each_table_write_is_one_commit_naming_the_model_and_the_run()
    {
        var outcome = await _project.BuildAsync();
        await using var lake = new LakeSession();
        var history = await lake.HistoryAsync(_project.Path("lake/gold/customer_totals"));
        var commit = Assert.Single(history);
        var text = commit.OperationParameters!.ToJsonString();
        Assert.Contains("model.shop.customer_totals", text, StringComparison.Ordinal);
        Assert.Contains(outcome.Summary.InvocationId, text, StringComparison.Ordinal);

        var again = await _project.BuildAsync("customer_totals");
        Assert.True(again.Summary.Succeeded, string.Join("\n", again.Summary.Results.Select(r => r.Message)));
        Assert.Equal(2, (await lake.HistoryAsync(_project.Path("lake/gold/customer_totals"))).Count);
        Assert.NotEqual(outcome.Summary.InvocationId, again.Summary.InvocationId);
    }

    [Fact]
    public async Task A_failing_model_leaves_its_table_as_it_was_and_skips_what_depends_on_it()
    {
        Assert.True((await _project.BuildAsync()).Summary.Succeeded);
        _project.Write("models/marts/customer_totals.sql", "{{ config(materialized='table', schema='gold') }}\nselect customer, sum(amount) as total, no_such_column from {{ ref('big_orders') }} group by customer")
            .Write("models/marts/top_customer.sql", "select * from {{ ref('customer_totals') }} order by total desc limit 1");

        var outcome = await _project.BuildAsync();

        Assert.False(outcome.Summary.Succeeded);
        var failed = Assert.Single(outcome.Summary.Results, r => r.Status == NodeStatus.Error);
        Assert.Equal("customer_totals", failed.Name);
        Assert.Contains("model 'customer_totals' failed (compiled SQL: target/compiled/shop/models/marts/customer_totals.sql)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_column", failed.Message, StringComparison.Ordinal);
        var skipped = Assert.Single(outcome.Summary.Results, r => r.Status == NodeStatus.Skipped);
        Assert.Equal("top_customer", skipped.Name);
        Assert.Contains("upstream 'customer_totals'", skipped.Message, StringComparison.Ordinal);
        // The table still holds the previous run's rows, at its previous version.
        Assert.Equal(["a|30.5|2", "b|7.25|1"], await _project.RowsAsync("SELECT customer, total, orders FROM gold.customer_totals"));
        await using var lake = new LakeSession();
        Assert.Single(await lake.HistoryAsync(_project.Path("lake/gold/customer_totals")));
    }

    [Fact]
    public async Task Seeds_take_declared_column_types()
    {
        _project.Write("seeds/properties.yml", "version: 2\nseeds:\n  - name: raw_orders\n    config:\n      column_types: {id: VARCHAR, amount: 'DECIMAL(10,2)'}\n");
        await _project.RunAsync(RunMode.Seed);
        var types = await _project.QueryAsync("SELECT typeof(id), typeof(amount), typeof(customer) FROM main.raw_orders LIMIT 1");
        Assert.Equal(["VARCHAR", "DECIMAL(10,2)", "VARCHAR"], types.Rows[0].Select(v => (string)v!).ToArray());
    }

    [Fact]
    public async Task Sources_read_lake_tables()
    {
        await using (var lake = new LakeSession())
        {
            var csv = _project.Path("in/customers.csv");
            _project.Write("in/customers.csv", "customer,country\na,FR\nb,DE\n");
            await lake.AppendFileAsync(_project.Path("lake/bronze/crm_customers"), csv);
        }
        _project.Write("models/sources.yml", "version: 2\nsources:\n  - name: crm\n    schema: bronze\n    tables:\n      - name: customers\n        identifier: crm_customers\n")
            .Write("models/marts/by_country.sql", "{{ config(materialized='table') }}\nselect c.country, t.total from {{ source('crm', 'customers') }} c join {{ ref('customer_totals') }} t using (customer)");

        var outcome = await _project.BuildAsync();

        Assert.True(outcome.Summary.Succeeded, string.Join("\n", outcome.Summary.Results.Select(r => r.Message)));
        Assert.Equal(["DE|7.25", "FR|30.5"], await _project.RowsAsync("SELECT country, total FROM main.by_country"));
        Assert.Contains("source.shop.crm.customers", outcome.Compile.Compiled.Graph["model.shop.by_country"].DependsOn);
    }

    [Fact]
    public async Task Independent_models_run_on_several_threads()
    {
        for (var i = 0; i < 8; i++)
            _project.Write($"models/fan/fan_{i}.sql", $"{{{{ config(materialized='table') }}}}\nselect {i} as n, count(*) as c from range(200000)");

        var outcome = await _project.RunAsync(RunMode.Run, _project.Request("path:models/fan") with { Threads = 4 });

        Assert.True(outcome.Summary.Succeeded);
        Assert.Equal(8, outcome.Summary.Results.Count);
        // Eight ready models and four connections: the first four start at once, one per connection.
        Assert.Equal([1, 2, 3, 4], outcome.Summary.Results.Select(r => r.Thread).Distinct().Order().ToArray());
        Assert.Equal(["8"], await _project.RowsAsync("SELECT count(*) FROM (" + string.Join(" UNION ALL ", Enumerable.Range(0, 8).Select(i => $"SELECT * FROM main.fan_{i}")) + ")"));
    }

    [Fact]
    public async Task The_catalog_file_opens_in_a_plain_duckdb_session()
    {
        var outcome = await _project.BuildAsync();
        Assert.NotNull(outcome.CatalogPath);
        using var client = new DuckDbEngine(outcome.CatalogPath);
        var rows = TestProject.Lines(await client.QueryAsync("SELECT customer, total FROM gold.customer_totals"));
        Assert.Equal(["a|30.5", "b|7.25"], rows);
        Assert.Equal(["4"], TestProject.Lines(await client.QueryAsync("SELECT count(*) FROM silver.stg_orders")));
    }

    [Fact]
    public async Task Artifacts_describe_the_nodes_and_the_run()
    {
        var outcome = await _project.BuildAsync();
        var manifest = JsonNode.Parse(File.ReadAllText(outcome.Compile.ManifestPath))!;
        var totals = manifest["nodes"]!["model.shop.customer_totals"]!;
        Assert.Equal("table", (string?)totals["config"]!["materialized"]);
        Assert.Equal("\"gold\".\"customer_totals\"", (string?)totals["relation_name"]);
        Assert.Equal("model.shop.big_orders", (string?)totals["depends_on"]!["nodes"]![0]);
        Assert.Equal("model.shop.customer_totals", (string?)manifest["child_map"]!["model.shop.big_orders"]![0]);

        var results = JsonNode.Parse(File.ReadAllText(outcome.RunResultsPath))!;
        var seed = results["results"]!.AsArray().Single(r => (string?)r!["unique_id"] == "seed.shop.raw_orders")!;
        Assert.Equal("success", (string?)seed["status"]);
        Assert.Equal(4, (long?)seed["adapter_response"]!["rows_affected"]);
        Assert.Equal(outcome.Summary.InvocationId, (string?)results["metadata"]!["invocation_id"]);
    }
}
