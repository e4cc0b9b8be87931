using System.Globalization;

namespace Cdp.Engine.Tests;

internal static class Assertions
{
    /// <summary>Asserts two queries return the same multiset of rows.</summary>
    public static async Task SameRowsAsync(DuckDbEngine engine, string expected, string actual)
    {
        var counts = await engine.QueryAsync($"SELECT (SELECT count(*) FROM ({expected})), (SELECT count(*) FROM ({actual}))");
        Assert.Equal(Convert.ToInt64(counts.Rows[0][0], CultureInfo.InvariantCulture), Convert.ToInt64(counts.Rows[0][1], CultureInfo.InvariantCulture));
        var missing = await engine.QueryAsync($"SELECT count(*) FROM (({expected}) EXCEPT ALL ({actual}))");
        var extra = await engine.QueryAsync($"SELECT count(*) FROM (({actual}) EXCEPT ALL ({expected}))");
        Assert.Equal(0L, Convert.ToInt64(missing.Scalar, CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(extra.Scalar, CultureInfo.InvariantCulture));
    }

    public static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
