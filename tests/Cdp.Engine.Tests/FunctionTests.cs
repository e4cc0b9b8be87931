namespace Cdp.Engine.Tests;

public class FunctionTests
{
    [Fact]
    public async Task Registered_functions_are_callable_from_sql_on_the_engine_and_its_forks()
    {
        using var engine = new DuckDbEngine();
        engine.RegisterFunction("cdp_concat_or_null", (a, b) => a is null || b is null ? null : a + "|" + b);
        using var fork = engine.Fork();

        var main = await engine.QueryAsync("SELECT cdp_concat_or_null('a', 'b'), cdp_concat_or_null(NULL, 'b')");
        var forked = await fork.QueryAsync("SELECT cdp_concat_or_null(x, 'y') FROM (VALUES ('1'), ('2')) t(x) ORDER BY 1");

        Assert.Equal(["a|b", null], main.Rows[0]);
        Assert.Equal(["1|y", "2|y"], forked.Rows.Select(r => (string)r[0]!).ToArray());
    }
}
