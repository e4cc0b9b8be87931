using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Compilation;

/// <summary>Each kind of project mistake is reported with its file, line and column, all of them at once.</summary>
public sealed class CompileDiagnosticTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Unknown_ref_names_the_call_and_suggests_the_closest_model()
    {
        _project.Write("models/customers.sql", "select 1 as id")
            .Write("models/orders.sql", "select *\nfrom {{ ref('customer') }}");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/orders.sql:2:9: error: 'orders' refers to unknown model 'customer' (did you mean 'customers'?)\n  |\n2 | from {{ ref('customer') }}\n  |         ^", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cycle_is_reported_with_its_path()
    {
        _project.Write("models/a.sql", "select * from {{ ref('b') }}")
            .Write("models/b.sql", "select * from {{ ref('c') }}")
            .Write("models/c.sql", "-- closes the loop\nselect * from {{ ref('a') }}");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/a.sql:1:18: error: models form a cycle: a -> b -> c -> a (each selects from the next with ref())", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_jinja_reports_every_error_of_every_file()
    {
        _project.Write("models/one.sql", "select {{ 1 + }} as x")
            .Write("models/two.sql", "{% if true %}\nselect 1\n")
            .Write("models/three.sql", "select {{ colums }} from x");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/one.sql:1:", report, StringComparison.Ordinal);
        Assert.Contains("models/two.sql:1:", report, StringComparison.Ordinal);
        Assert.Contains("models/three.sql:1:11: error: unknown name 'colums'", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_yaml_names_file_line_and_column()
    {
        _project.Write("models/a.sql", "select 1 as id")
            .Write("models/schema.yml", "version: 2\nmodels:\n  - name: a\n    columns: [\n");
        var report = await _project.CompileErrorsAsync();
        Assert.Matches(@"models/schema\.yml:\d+:\d+: error: ", report);
    }

    [Fact]
    public async Task Duplicate_model_names_name_both_files()
    {
        _project.Write("models/a/orders.sql", "select 1 as id")
            .Write("models/b/orders.sql", "select 2 as id");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("duplicate model name 'orders': models/a/orders.sql and models/b/orders.sql", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_source_var_and_materialization()
    {
        _project.Write("models/a.sql", "{{ config(materialized='tabel') }}\nselect * from {{ source('crm', 'customers') }} where d > '{{ var('start') }}'");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/a.sql:1:1: error: model 'a' has unknown materialization 'tabel'", report, StringComparison.Ordinal);
        Assert.Contains("error: unknown source 'crm.customers'", report, StringComparison.Ordinal);
        Assert.Contains("error: var 'start' is not defined", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_models_writing_one_relation_is_an_error()
    {
        _project.Write("models/a.sql", "{{ config(alias='shared') }}\nselect 1 as id")
            .Write("models/b.sql", "{{ config(alias='shared') }}\nselect 2 as id");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/b.sql:1:1: error: 'b' and 'a' (models/a.sql) both write the relation \"main\".\"shared\"", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_without_unique_key_is_an_error()
    {
        _project.Write("models/a.sql", "{{ config(materialized='incremental', incremental_strategy='merge') }}\nselect 1 as id");
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/a.sql:1:1: error: model 'a' uses incremental_strategy 'merge', which needs a unique_key", report, StringComparison.Ordinal);
    }
}
