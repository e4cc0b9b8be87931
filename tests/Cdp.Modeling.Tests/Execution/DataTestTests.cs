using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Execution;

public sealed class DataTestTests : IDisposable
{
    private readonly TestProject _project = new();

    public DataTestTests()
    {
        _project
            .Write("seeds/customers.csv", "id,country\n1,FR\n2,DE\n3,FR\n")
            .Write("seeds/orders.csv", "id,customer_id,status\n10,1,placed\n11,2,shipped\n12,2,placed\n13,3,lost\n14,9,placed\n15,,placed\n15,1,placed\n")
            .Write("models/fct_orders.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('orders') }}")
            .Write("models/order_report.sql", "{{ config(materialized='table') }}\nselect status, count(*) as n from {{ ref('fct_orders') }} group by status");
    }

    public void Dispose() => _project.Dispose();

    private void Properties(string columns) => _project.Write("models/schema.yml", "version: 2\nmodels:\n  - name: fct_orders\n    columns:\n" + columns);

    [Fact]
    public async Task Generic_tests_count_the_failing_rows()
    {
        Properties("""
                  - name: id
                    tests: [unique, not_null]
                  - name: customer_id
                    tests:
                      - not_null
                      - relationships: {to: "ref('customers')", field: id}
                  - name: status
                    tests:
                      - accepted_values: {values: [placed, shipped]}
            """);
        var outcome = await _project.RunAsync(RunMode.Build);

        var byTest = outcome.Summary.Results.Where(r => r.Kind == Cdp.Modeling.Compilation.NodeKind.Test).ToDictionary(r => r.Name.Split("__")[0], r => r);
        Assert.Equal((NodeStatus.Fail, 1L), (byTest["unique_fct_orders_id"].Status, byTest["unique_fct_orders_id"].Failures!.Value));
        Assert.Equal((NodeStatus.Pass, 0L), (byTest["not_null_fct_orders_id"].Status, byTest["not_null_fct_orders_id"].Failures!.Value));
        Assert.Equal((NodeStatus.Fail, 1L), (byTest["not_null_fct_orders_customer_id"].Status, byTest["not_null_fct_orders_customer_id"].Failures!.Value));
        Assert.Equal((NodeStatus.Fail, 1L), (byTest["relationships_fct_orders_customer_id"].Status, byTest["relationships_fct_orders_customer_id"].Failures!.Value));
        Assert.Equal((NodeStatus.Fail, 1L), (byTest["accepted_values_fct_orders_status"].Status, byTest["accepted_values_fct_orders_status"].Failures!.Value));
        // build: what reads a model whose test failed is skipped.
        var report = Assert.Single(outcome.Summary.Results, r => r.Name == "order_report");
        Assert.Equal(NodeStatus.Skipped, report.Status);
        Assert.False(outcome.Summary.Succeeded);
    }

    [Fact]
    public async Task Severity_warn_and_where_filters()
    {
        Properties("""
                  - name: id
                    tests:
                      - unique: {config: {severity: warn}}
                  - name: customer_id
                    tests:
                      - not_null: {config: {where: "status <> 'placed'"}}
                      - relationships: {to: "ref('customers')", field: id, config: {where: "customer_id < 9"}}
            """);
        var outcome = await _project.RunAsync(RunMode.Build);

        Assert.True(outcome.Summary.Succeeded, string.Join("\n", outcome.Summary.Results.Select(r => $"{r.Name} {r.Status} {r.Message}")));
        Assert.Equal(NodeStatus.Warn, Assert.Single(outcome.Summary.Results, r => r.Name.StartsWith("unique_", StringComparison.Ordinal)).Status);
        Assert.All(outcome.Summary.Results.Where(r => r.Name.StartsWith("not_null_", StringComparison.Ordinal) || r.Name.StartsWith("relationships_", StringComparison.Ordinal)),
            r => Assert.Equal(NodeStatus.Pass, r.Status));
        Assert.Equal(NodeStatus.Success, Assert.Single(outcome.Summary.Results, r => r.Name == "order_report").Status);
    }

    [Fact]
    public async Task Warn_if_and_error_if_thresholds()
    {
        Properties("""
                  - name: customer_id
                    tests:
                      - not_null: {config: {error_if: ">= 2", warn_if: ">= 1"}}
            """);
        var outcome = await _project.RunAsync(RunMode.Build);
        Assert.Equal(NodeStatus.Warn, Assert.Single(outcome.Summary.Results, r => r.Kind == Cdp.Modeling.Compilation.NodeKind.Test).Status);
    }

    [Fact]
    public async Task Singular_tests_fail_on_any_row_and_models_test_runs_only_tests()
    {
        _project.Write("tests/no_lost_orders.sql", "select * from {{ ref('fct_orders') }} where status = 'lost'");
        Assert.True((await _project.RunAsync(RunMode.Seed)).Summary.Succeeded);
        Assert.True((await _project.RunAsync(RunMode.Run)).Summary.Succeeded);

        var outcome = await _project.RunAsync(RunMode.Test);

        var result = Assert.Single(outcome.Summary.Results);
        Assert.Equal(("no_lost_orders", NodeStatus.Fail, 1L), (result.Name, result.Status, result.Failures!.Value));
    }

    [Fact]
    public async Task Selecting_a_model_selects_its_tests()
    {
        Properties("""
                  - name: id
                    tests: [not_null]
            """);
        var outcome = await _project.RunAsync(RunMode.Build, _project.Request("+fct_orders"));
        Assert.Equal(["fct_orders", "not_null_fct_orders_id", "orders"], outcome.Summary.Results.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Sibling_models_with_relationships_to_one_parent_all_build()
    {
        // Both read customers and test a relationship to it: neither waits for the other's test.
        _project
            .Write("models/orders_a.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('orders') }} where customer_id in (select id from {{ ref('customers') }})")
            .Write("models/orders_b.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('orders') }} where customer_id in (select id from {{ ref('customers') }})")
            .Write("models/schema.yml", """
                version: 2
                models:
                  - name: orders_a
                    columns:
                      - name: customer_id
                        tests:
                          - relationships: {to: "ref('customers')", field: id}
                  - name: orders_b
                    columns:
                      - name: customer_id
                        tests:
                          - relationships: {to: "ref('customers')", field: id}
                """);
        var outcome = await _project.RunAsync(RunMode.Build);
        Assert.True(outcome.Summary.Succeeded);
        Assert.Contains(outcome.Summary.Results, r => r.Name == "orders_a" && r.Status == NodeStatus.Success);
        Assert.Contains(outcome.Summary.Results, r => r.Name == "orders_b" && r.Status == NodeStatus.Success);
        Assert.Equal(2, outcome.Summary.Results.Count(r => r.Name.StartsWith("relationships_", StringComparison.Ordinal) && r.Status == NodeStatus.Pass));
    }

    [Fact]
    public async Task Custom_generic_tests_are_macros_named_test_name()
    {
        _project.Write("macros/tests.sql", "{% macro test_at_least(model, column_name, minimum) %}select * from {{ model }} where {{ column_name }} < {{ minimum }}{% endmacro %}");
        Properties("""
                  - name: id
                    tests:
                      - at_least: {minimum: 12}
            """);
        var outcome = await _project.RunAsync(RunMode.Build);
        var test = Assert.Single(outcome.Summary.Results, r => r.Kind == Cdp.Modeling.Compilation.NodeKind.Test);
        Assert.Equal((NodeStatus.Fail, 2L), (test.Status, test.Failures!.Value));
    }

    [Fact]
    public async Task An_unknown_generic_test_is_a_diagnostic_at_its_declaration()
    {
        Properties("""
                  - name: id
                    tests: [uniq]
            """);
        var report = await _project.CompileErrorsAsync();
        Assert.Contains("models/schema.yml:6:", report, StringComparison.Ordinal);
        Assert.Contains("unknown generic test 'uniq'", report, StringComparison.Ordinal);
    }
}
