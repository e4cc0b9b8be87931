using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;
using Cdp.Testing;

namespace Cdp.Modeling.Tests.Execution;

public sealed class ProjectFeatureTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Analyses_compile_with_ref_but_are_never_materialised()
    {
        _project.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect 1 as id")
            .Write("analyses/order_count.sql", "select count(*) from {{ ref('orders') }}");

        var outcome = await _project.BuildAsync();

        Assert.True(outcome.Summary.Succeeded);
        Assert.DoesNotContain(outcome.Summary.Results, r => r.Name == "order_count");
        Assert.Equal("select count(*) from \"main\".\"orders\"", File.ReadAllText(_project.Path("target/compiled/shop/analyses/order_count.sql")).TrimEnd());
        Assert.Empty(await _project.RowsAsync("SELECT * FROM information_schema.tables WHERE table_name = 'order_count'"));
    }

    [Fact]
    public async Task Docs_blocks_fill_descriptions_in_the_manifest()
    {
        _project.Write("models/orders.sql", "select 1 as id, 'placed' as status")
            .Write("models/docs.md", "{% docs order_status %}\nOne of placed, shipped or returned.\n{% enddocs %}\n")
            .Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    description: 'Orders: {{ doc(\"order_status\") }}'\n    columns:\n      - name: status\n        description: '{{ doc(\"order_status\") }}'\n");

        var outcome = await _project.CompileAsync();

        var node = outcome.Compiled.Graph["model.shop.orders"];
        Assert.Equal("Orders: One of placed, shipped or returned.", node.Description);
        Assert.Equal("One of placed, shipped or returned.", node.ColumnDescriptions["status"]);
        Assert.Contains("One of placed, shipped or returned.", File.ReadAllText(outcome.ManifestPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_docs_block_is_a_diagnostic_at_the_property()
    {
        _project.Write("models/orders.sql", "select 1 as id")
            .Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    description: '{{ doc(\"order_stats\") }}'\n");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/schema.yml:3:5: error: unknown docs block 'order_stats'", report, StringComparison.Ordinal);
    }

    /// <summary>The repository's dialect macros (sql/macros/dialect.sql) give the documented results on DuckDB.</summary>
    [Fact]
    public async Task Dialect_macros_run_on_duckdb()
    {
        _project.Write("macros/dialect.sql", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "sql", "macros", "dialect.sql")))
            .Write("models/checks.sql", """
                {{ config(materialized='table') }}
                select
                    {{ hash_sha256("'abc'") }} as h,
                    {{ add_days("date '2024-02-27'", 3) }} as d,
                    {{ days_between("date '2024-01-01'", "date '2024-03-01'") }} as n,
                    {{ array_size(array_agg_distinct('x')) }} as k,
                    {{ array_agg_distinct('x') }} as xs
                from (values (3), (1), (3), (null)) t(x)
                """);

        var outcome = await _project.RunAsync(RunMode.Run);

        Assert.True(outcome.Summary.Succeeded, string.Join("\n", outcome.Summary.Results.Select(r => r.Message)));
        Assert.Equal(["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad|2024-03-01|60|2|[1, 3]"],
            await _project.RowsAsync("SELECT h, strftime(d, '%Y-%m-%d'), n, k, xs::VARCHAR FROM main.checks"));
    }

    [Fact]
    public async Task Targets_choose_schema_and_vars_override_project_vars()
    {
        using var project = new TestProject("name: shop\nvars: {n: 1}\ntargets:\n  dev: {schema: dev_schema}\n  prod: {schema: prod_schema}\n");
        project.Write("models/n.sql", "{{ config(materialized='table') }}\nselect {{ var('n') }} as n, '{{ target.name }}' as t");

        await project.RunAsync(RunMode.Run, project.Request() with { Target = "prod", Vars = new Dictionary<string, object?> { ["n"] = 7L } });
        await project.RunAsync(RunMode.Run);

        Assert.Equal(["7|prod"], await project.RowsAsync("SELECT n, t FROM prod_schema.n"));
        Assert.Equal(["1|dev"], await project.RowsAsync("SELECT n, t FROM dev_schema.n"));
        Assert.True(Directory.Exists(project.Path("lake/prod_schema/n/_delta_log")));
    }
}
