using System.Globalization;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Engine;

namespace Cdp.Audiences.Tests;

public class HoldoutTests
{
    [Fact]
    public async Task TheSqlAndCSharpBucketsAgree()
    {
        await using var engine = new DuckDbEngine();
        var ids = new long[] { 0, 1, 2, 42, -7, long.MaxValue, long.MinValue, 123_456_789_012 }.Concat(Enumerable.Range(1000, 500).Select(i => (long)i * 7919)).ToArray();
        var values = string.Join(", ", ids.Select(i => $"({i.ToString(CultureInfo.InvariantCulture)})"));
        var result = await engine.QueryAsync($"SELECT id, {Holdout.BucketSql("salt 'é\"", "id")} FROM (VALUES {values}) AS t(id)");
        foreach (var row in result.Rows)
            Assert.Equal(Holdout.Bucket("salt 'é\"", Convert.ToInt64(row[0], CultureInfo.InvariantCulture)), Convert.ToInt32(row[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void BucketsAreFixedValues()
    {
        // Pinned (computed independently from RFC 1321 MD5): a change here would move people between the control and
        // treatment groups of running campaigns.
        Assert.Equal(8260, Holdout.Bucket("win_back", 1));
        Assert.Equal(1971, Holdout.Bucket("win_back", 2));
        Assert.Equal(312, Holdout.Bucket("global", 1));
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(2.5)]
    [InlineData(50.0)]
    public void TheShareHeldOutIsThePercentage(double percent)
    {
        var settings = new HoldoutSettings(percent, "audience-salt");
        var held = Enumerable.Range(1, 40_000).Count(p => Holdout.IsHeldOut(settings, p));
        Assert.InRange(held / 40_000.0 * 100, percent * 0.9, percent * 1.1);
    }

    [Fact]
    public void SaltsGiveIndependentGroups()
    {
        var a = new HoldoutSettings(10, "a");
        var b = new HoldoutSettings(10, "b");
        var both = Enumerable.Range(1, 40_000).Count(p => Holdout.IsHeldOut(a, p) && Holdout.IsHeldOut(b, p));
        // Independent 10% groups share about 1%, not 10%.
        Assert.InRange(both, 250, 550);
        Assert.Equal(0, Enumerable.Range(1, 1000).Count(p => Holdout.IsHeldOut(new HoldoutSettings(0, "a"), p)));
        Assert.Equal(1000, Enumerable.Range(1, 1000).Count(p => Holdout.IsHeldOut(new HoldoutSettings(100, "a"), p)));
    }
}
