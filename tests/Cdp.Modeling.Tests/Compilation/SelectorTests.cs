using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Compilation;

public sealed class SelectorTests : IDisposable
{
    private readonly TestProject _project = new("name: shop\nmodels:\n  marts:\n    +tags: [daily]\n");

    public SelectorTests()
    {
        _project.Write("seeds/raw.csv", "id\n1\n")
            .Write("models/staging/stg.sql", "select * from {{ ref('raw') }}")
            .Write("models/marts/a.sql", "select * from {{ ref('stg') }}")
            .Write("models/marts/b.sql", "{{ config(tags=['hourly']) }}\nselect * from {{ ref('a') }}")
            .Write("models/other/c.sql", "select * from {{ ref('b') }}");
    }

    public void Dispose() => _project.Dispose();

    private async Task<string[]> Select(string[] select, params string[] exclude)
    {
        var outcome = await _project.CompileAsync(_project.Request(select) with { Exclude = exclude });
        return outcome.SelectedNodes.Select(n => n.Name).Order(StringComparer.Ordinal).ToArray();
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("+a", "a raw stg")]
    [InlineData("a+", "a b c")]
    [InlineData("1+b", "a b")]
    [InlineData("stg+1", "a stg")]
    [InlineData("tag:daily", "a b")]
    [InlineData("tag:hourly", "b")]
    [InlineData("path:models/marts", "a b")]
    [InlineData("models/other", "c")]
    [InlineData("resource_type:seed", "raw")]
    [InlineData("config.materialized:view", "a b c stg")]
    [InlineData("s*", "stg")]
    [InlineData("@stg", "a b c raw stg")]
    [InlineData("a c", "a c")]
    [InlineData("tag:daily,b+", "b")]
    public async Task Selects(string selector, string expected)
        => Assert.Equal(expected.Split(' '), await Select([selector]));

    [Fact]
    public async Task Exclude_removes_from_the_selection()
        => Assert.Equal(["a", "stg"], await Select(["stg+"], "b+"));
}
