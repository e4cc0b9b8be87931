using Cdp.Identity.Matching;

namespace Cdp.Identity.Tests.Matching;

/// <summary>The metric values comparisons rely on, from the published Jaro-Winkler and Levenshtein examples.</summary>
public sealed class StringMetricsTests
{
    [Theory]
    [InlineData("MARTHA", "MARHTA", 0.961)]
    [InlineData("DWAYNE", "DUANE", 0.840)]
    [InlineData("DIXON", "DICKSONX", 0.813)]
    [InlineData("JELLYFISH", "SMELLYFISH", 0.896)]
    [InlineData("abc", "abc", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    [InlineData("", "", 1.0)]
    [InlineData("a", "", 0.0)]
    public void Jaro_winkler_matches_the_published_values(string a, string b, double expected)
    {
        Assert.Equal(expected, StringMetrics.JaroWinkler(a, b), 3);
        Assert.Equal(StringMetrics.JaroWinkler(a, b), StringMetrics.JaroWinkler(b, a), 12);
    }

    [Fact]
    public void Jaro_without_the_prefix_boost()
    {
        Assert.Equal(0.944, StringMetrics.Jaro("MARTHA", "MARHTA"), 3);
        Assert.Equal(0.822, StringMetrics.Jaro("DWAYNE", "DUANE"), 3);
        Assert.Equal(0.767, StringMetrics.Jaro("DIXON", "DICKSONX"), 3);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("same", "same", 0)]
    [InlineData("19560409", "19560490", 2)]
    public void Levenshtein_counts_edits(string a, string b, int expected)
    {
        Assert.Equal(expected, StringMetrics.Levenshtein(a, b));
        Assert.Equal(expected, StringMetrics.Levenshtein(b, a));
    }

    [Fact]
    public async Task The_sql_functions_give_the_same_values_and_null_for_null()
    {
        await using var engine = new Cdp.Engine.DuckDbEngine();
        await MatchFunctions.EnsureRegisteredAsync(engine);
        await MatchFunctions.EnsureRegisteredAsync(engine); // idempotent
        var r = await engine.QueryAsync("SELECT cdp_jaro_winkler('MARTHA', 'MARHTA'), cdp_levenshtein('kitten', 'sitting'), cdp_jaro_winkler(NULL, 'x'), cdp_levenshtein('x', NULL)");
        Assert.Equal(0.961, (double)r.Rows[0][0]!, 3);
        Assert.Equal(3.0, (double)r.Rows[0][1]!);
        Assert.Null(r.Rows[0][2]);
        Assert.Null(r.Rows[0][3]);
        using var fork = engine.Fork();
        Assert.Equal(2.0, (double)(await fork.QueryAsync("SELECT cdp_levenshtein('flaw', 'lawn')")).Scalar!);
    }
}
