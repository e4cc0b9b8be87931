using Cdp.Engine;
using Cdp.Identity.Matching;

namespace Cdp.Identity.Tests.Matching;

/// <summary>Pairs land in the first level whose test holds; nulls in the null level (-1); gamma 0 is 'else'.</summary>
public sealed class ComparisonLevelTests
{
    private static readonly Comparison Name = new("v", [ComparisonLevel.Exact, new(LevelKind.JaroWinkler, 0.9), new(LevelKind.Levenshtein, 2), ComparisonLevel.Else]);
    private static readonly Comparison Date = new("v", [ComparisonLevel.Exact, new(LevelKind.DateWithinDays, 31), new(LevelKind.SameYear), ComparisonLevel.Else]);

    [Theory]
    [InlineData("martha", "martha", 3)]
    [InlineData("martha", "marhta", 2)]
    [InlineData("abcdef", "abxdxf", 1)]
    [InlineData("martha", "john", 0)]
    [InlineData(null, "john", -1)]
    [InlineData("john", null, -1)]
    [InlineData(null, null, -1)]
    public async Task String_levels(string? l, string? r, int gamma) => Assert.Equal(gamma, await GammaAsync(Name, l, r));

    [Theory]
    [InlineData("1980-02-03", "1980-02-03", 3)]
    [InlineData("1980-02-03", "1980-03-01", 2)]
    [InlineData("19800203", "1980-02-20", 2)]
    [InlineData("1980-02-03", "1980-11-30", 1)]
    [InlineData("1980-02-03", "1981-02-03", 0)]
    [InlineData("not a date", "1980-02-03", 0)]
    [InlineData(null, "1980-02-03", -1)]
    public async Task Date_levels(string? l, string? r, int gamma) => Assert.Equal(gamma, await GammaAsync(Date, l, r));

    private static async Task<int> GammaAsync(Comparison comparison, string? l, string? r)
    {
        await using var engine = new DuckDbEngine();
        await MatchFunctions.EnsureRegisteredAsync(engine);
        var sql = $"SELECT {ComparisonSql.GammaExpression(comparison)} FROM (SELECT {Sql.Literal(l)}::VARCHAR AS v) AS l, (SELECT {Sql.Literal(r)}::VARCHAR AS v) AS r";
        return Convert.ToInt32((await engine.QueryAsync(sql)).Scalar, System.Globalization.CultureInfo.InvariantCulture);
    }
}
