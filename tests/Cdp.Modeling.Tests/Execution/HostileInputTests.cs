using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Execution;

public sealed class HostileInputTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Model_and_column_names_with_quotes_and_spaces()
    {
        _project.Write("seeds/raw data.csv", "\"first name\",\"it's\"\nAda,1\nGrace,2\n")
            .Write("models/odd \"name\" x.sql", "{{ config(materialized='table') }}\nselect \"first name\" as \"my \"\"col\"\"\", \"it's\" from {{ ref('raw data') }}")
            .Write("models/downstream.sql", "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('odd \"name\" x') }}")
            .Write("models/schema.yml", "version: 2\nmodels:\n  - name: odd \"name\" x\n    columns:\n      - name: my \"col\"\n        tests: [not_null, unique]\n");

        var outcome = await _project.BuildAsync();

        Assert.True(outcome.Summary.Succeeded, string.Join("\n", outcome.Summary.Results.Select(r => $"{r.Name}: {r.Status} {r.Message}")));
        Assert.Equal(["Ada|1", "Grace|2"], await _project.RowsAsync("SELECT \"my \"\"col\"\"\", \"it's\" FROM main.\"odd \"\"name\"\" x\""));
        Assert.Equal(["2"], await _project.RowsAsync("SELECT n FROM main.downstream"));
        Assert.Equal(2, outcome.Summary.Results.Count(r => r.Status == NodeStatus.Pass));
    }

    [Fact]
    public async Task A_sql_error_names_the_model_and_its_compiled_file()
    {
        _project.Write("models/broken.sql", "select 1 +");
        var outcome = await _project.RunAsync(RunMode.Run);
        var result = Assert.Single(outcome.Summary.Results);
        Assert.Equal(NodeStatus.Error, result.Status);
        Assert.StartsWith("model 'broken' failed (compiled SQL: target/compiled/shop/models/broken.sql): ", result.Message, StringComparison.Ordinal);
        Assert.Contains("syntax error", result.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(_project.Path("target/compiled/shop/models/broken.sql")));
    }
}
