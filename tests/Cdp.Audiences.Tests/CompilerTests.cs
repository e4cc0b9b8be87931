namespace Cdp.Audiences.Tests;

/// <summary>Each condition kind compiled to SQL and run against the fixture's five people.</summary>
public class CompilerTests : IDisposable
{
    private readonly AudienceLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Theory]
    [InlineData("{column: country, op: '=', value: FR}", new long[] { 1, 4, 5 })]
    [InlineData("{column: country, op: '!=', value: FR}", new long[] { 2, 3 })]
    [InlineData("{column: revenue, op: '<', value: 200}", new long[] { 2 })]
    [InlineData("{column: revenue, op: '<=', value: 200}", new long[] { 2, 5 })]
    [InlineData("{column: revenue, op: '>', value: 200}", new long[] { 1, 4 })]
    [InlineData("{column: revenue, op: '>=', value: 500.0}", new long[] { 1, 4 })]
    [InlineData("{column: country, op: in, value: [BE, DE]}", new long[] { 2, 3 })]
    [InlineData("{column: country, op: not in, value: [BE, DE]}", new long[] { 1, 4, 5 })]
    [InlineData("{column: revenue, op: is null}", new long[] { 3 })]
    [InlineData("{column: email, op: is not null}", new long[] { 1, 2, 3, 5 })]
    [InlineData("{column: revenue, op: between, value: [100, 500]}", new long[] { 1, 5 })]
    [InlineData("{column: email, op: contains, value: 'ben@'}", new long[] { 2 })]
    [InlineData("{column: loyalty_cards, op: contains, value: L5}", new long[] { 4 })]
    [InlineData("{column: next_replenishment_on, op: '<=', value: '2026-06-01'}", new long[] { 4 })]
    public async Task EachOperatorSelectsTheRightPeople(string condition, long[] expected)
        => Assert.Equal(expected, await _lake.MembersOfAsync(condition));

    [Fact]
    public async Task NotIsTheExactComplementEvenForUnknownValues()
    {
        // Person 3 has no revenue: neither "revenue > 100" nor its negation may silently drop or keep them both ways.
        Assert.Equal(new long[] { 1, 4, 5 }, await _lake.MembersOfAsync("{column: revenue, op: '>', value: 100}"));
        Assert.Equal(new long[] { 2, 3 }, await _lake.MembersOfAsync("{not: {column: revenue, op: '>', value: 100}}"));
    }

    [Fact]
    public async Task AllAnyAndNotNest()
    {
        var members = await _lake.MembersOfAsync(
            "{all: [{column: country, op: '=', value: FR}, {any: [{column: revenue, op: '>=', value: 1000}, {not: {column: phone, op: is null}}]}, {not: {column: first_name, op: '=', value: Eve}}]}");
        Assert.Equal([1, 4], members);
        Assert.Empty(await _lake.MembersOfAsync("{any: []}"));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, await _lake.MembersOfAsync("{all: []}"));
    }

    [Fact]
    public async Task ConsentSegmentAndScoreConditions()
    {
        Assert.Equal(new long[] { 1, 3, 4 }, await _lake.MembersOfAsync("{consent: email/marketing}"));
        Assert.Equal(new long[] { 2 }, await _lake.MembersOfAsync("{consent: email/marketing, granted: false}"));
        Assert.Equal(new long[] { 1, 4 }, await _lake.MembersOfAsync("{segment: champions}"));
        Assert.Equal(new long[] { 2 }, await _lake.MembersOfAsync("{segment: 2}"));
        Assert.Equal(new long[] { 1, 4 }, await _lake.MembersOfAsync("{column: churn_probability, op: '>=', value: 0.5}"));
    }

    [Fact]
    public async Task EventsCountWithinTheWindowEndingAtAsOf()
    {
        Assert.Equal(new long[] { 1 }, await _lake.MembersOfAsync("{event: order, min_count: 2, within_days: 30}"));
        Assert.Equal(new long[] { 1, 4 }, await _lake.MembersOfAsync("{event: order, within_days: 30}"));
        // Person 5's order is after as_of and person 2's is 120 days before: neither is in a 30-day window.
        Assert.Equal(new long[] { 1, 2, 4 }, await _lake.MembersOfAsync("{event: order, within_days: 365}"));
        Assert.Equal(new long[] { 1, 2, 4, 5 }, await _lake.MembersOfAsync("{event: order}"));
        Assert.Equal(new long[] { 2, 3, 5 }, await _lake.MembersOfAsync("{not: {event: order, within_days: 30}}"));
    }

    [Fact]
    public async Task IncludeAndExcludeOtherAudiences()
    {
        var set = AudienceLake.Definitions("""
            definitions:
              french: {where: {column: country, op: '=', value: FR}}
              big: {where: {column: revenue, op: '>=', value: 500}}
              french_not_big: {include: [french], exclude: [big]}
              nested: {where: {any: [{audience: french_not_big}, {column: country, op: '=', value: BE}]}}
            """);
        var compiled = (await _lake.CompileAsync(set)).OrThrow();
        Assert.Equal(new long[] { 5 }, await MembersAsync(compiled, "french_not_big"));
        Assert.Equal(new long[] { 2, 5 }, await MembersAsync(compiled, "nested"));
    }

    [Fact]
    public async Task CyclesAreErrorsNamingTheAudienceAndPath()
    {
        var set = AudienceLake.Definitions("""
            definitions:
              a: {include: [b]}
              b: {where: {all: [{audience: c}]}}
              c: {exclude: [a]}
              self: {where: {audience: self}}
            """);
        var compilation = await _lake.CompileAsync(set);
        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Errors, e => e.Contains("audience 'a' (cdp.yml: audiences.definitions.c.exclude[0])", StringComparison.Ordinal)
            && e.Contains("'a' -> 'b' -> 'c' -> 'a'", StringComparison.Ordinal));
        Assert.Contains(compilation.Errors, e => e.StartsWith("audience 'self' (cdp.yml: audiences.definitions.self.where)", StringComparison.Ordinal) && e.Contains("cycle", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<AudienceException>(() => _lake.Builder().BuildAsync(set, Compilation.AudienceRelations.Gold));
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownNamesAreErrorsWithTheirPath()
    {
        var compilation = await _lake.CompileAsync(AudienceLake.Definitions("""
            definitions:
              x:
                fields: [email, nope, holdout]
                where: {all: [{column: missing_col, op: '=', value: 1}, {audience: ghost}]}
            """));
        Assert.Equal(4, compilation.Errors.Count);
        Assert.Contains("audience 'x' (cdp.yml: audiences.definitions.x.fields): unknown column 'nope'", compilation.Errors[0], StringComparison.Ordinal);
        Assert.Contains("'holdout' is a membership column", compilation.Errors[1], StringComparison.Ordinal);
        Assert.Contains("(cdp.yml: audiences.definitions.x.where.all[0]): unknown column 'missing_col'", compilation.Errors[2], StringComparison.Ordinal);
        Assert.Contains("(cdp.yml: audiences.definitions.x.where.all[1]): unknown audience 'ghost'", compilation.Errors[3], StringComparison.Ordinal);

        var config = Assert.Throws<AudienceException>(() => AudienceLake.Definitions("""
            definitions:
              y: {channels: [email, fax], holdout: 120, where: {all: [{column: a, op: like, value: 1}, {column: b, op: between, value: [1]}, {colour: red}]}}
            """));
        Assert.Equal(
            [
                "cdp.yml: audiences.definitions.y.channels[1]: 'fax' is not a channel (email, sms, ads)",
                "cdp.yml: audiences.definitions.y.holdout: '120' is not a percentage between 0 and 100",
                "cdp.yml: audiences.definitions.y.where.all[0].op: 'like' is not an operator (use =, !=, <, <=, >, >=, in, not in, is null, is not null, between, contains)",
                "cdp.yml: audiences.definitions.y.where.all[1].value: between takes exactly two values [low, high]",
                "cdp.yml: audiences.definitions.y.where.all[2]: unknown condition with keys colour (use all, any, not, column, consent, segment, event, model or audience)",
            ], config.Errors);
    }

    [Fact]
    public async Task HostileValuesAreInertLiterals()
    {
        const string hostile = "O'Brien'); DROP TABLE gold.customer_profiles; --";
        Assert.Equal(new long[] { 3 }, await _lake.MembersOfAsync("{column: first_name, op: '=', value: \"O'Brien'); DROP TABLE gold.customer_profiles; --\"}"));
        Assert.Empty(await _lake.MembersOfAsync("{column: first_name, op: '=', value: \"' OR 1=1 --\"}"));
        Assert.Empty(await _lake.MembersOfAsync("{consent: \"email' OR '1'='1/marketing\"}"));
        Assert.Empty(await _lake.MembersOfAsync("{event: \"order' OR true --\"}"));
        Assert.Equal(new long[] { 1, 3 }, await _lake.MembersOfAsync("{column: 'odd \"name\" é', op: is not null}"));
        var error = Assert.Single((await _lake.CompileAsync(AudienceLake.Definitions("definitions: {x: {where: {column: 'email\" OR 1=1 --', op: is null}}}"))).Errors);
        Assert.Contains("unknown column 'email\" OR 1=1 --'", error, StringComparison.Ordinal);
        var count = await _lake.Engine.QueryAsync("SELECT count(*) FROM gold.customer_profiles");
        Assert.Equal(5L, Convert.ToInt64(count.Scalar, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(hostile, (await _lake.Engine.QueryAsync("SELECT first_name FROM gold.customer_profiles WHERE person_id = 3")).Scalar);
    }

    [Fact]
    public async Task AnAudienceRequiringAMissingScoreIsSkippedNotAnError()
    {
        using var lake = new AudienceLake(withScores: false);
        var compilation = await lake.CompileAsync(AudienceLake.Definitions("""
            definitions:
              win_back: {requires: [churn_probability], where: {column: churn_probability, op: '>', value: 0.5}}
              all_fr: {where: {column: country, op: '=', value: FR}}
            """));
        Assert.True(compilation.Succeeded);
        Assert.Equal("all_fr", Assert.Single(compilation.Audiences).Name);
        Assert.Contains("win_back", Assert.Single(compilation.Skipped), StringComparison.Ordinal);
    }

    private async Task<long[]> MembersAsync(IReadOnlyList<Compilation.CompiledAudience> compiled, string name)
    {
        var audience = compiled.Single(a => a.Name == name);
        var rows = await _lake.Engine.QueryAsync($"SELECT person_id FROM {Compilation.AudienceBase.View} AS p WHERE {audience.Predicate} ORDER BY person_id");
        return rows.Rows.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
