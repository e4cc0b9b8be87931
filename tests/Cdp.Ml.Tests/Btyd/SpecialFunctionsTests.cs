using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

public class SpecialFunctionsTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(0.5, 0.57236494292470008)] // ln √π
    [InlineData(0.1, 2.2527126517342059)]
    [InlineData(10.0, 12.801827480081469)] // ln 9!
    [InlineData(100.0, 359.13420536957540)]
    [InlineData(1e-4, 9.210282658633963)]
    public void LogGamma_matches_known_values(double x, double expected)
        => Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-12 * Math.Max(1, Math.Abs(expected)));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    [InlineData(-0.5)]
    [InlineData(-0.95)]
    public void Hypergeometric_1_1_2_is_minus_log_one_minus_z_over_z(double z)
        => AssertRelative(-Math.Log(1 - z) / z, SpecialFunctions.Hypergeometric2F1(1, 1, 2, z));

    [Theory]
    [InlineData(0.3, 2.7, 0.8)]
    [InlineData(4.5, 0.25, -0.6)]
    [InlineData(0.243, 1.7, 0.947)]
    public void Hypergeometric_with_b_equal_c_is_a_binomial_series(double a, double b, double z)
        => AssertRelative(Math.Pow(1 - z, -a), SpecialFunctions.Hypergeometric2F1(a, b, b, z));

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void Hypergeometric_gives_arcsine_and_arctangent(double z)
    {
        AssertRelative(Math.Asin(z) / z, SpecialFunctions.Hypergeometric2F1(0.5, 0.5, 1.5, z * z));
        AssertRelative(Math.Atan(z) / z, SpecialFunctions.Hypergeometric2F1(0.5, 1, 1.5, -z * z));
    }

    [Fact]
    public void Hypergeometric_is_one_at_zero_and_undefined_outside_the_unit_disc()
    {
        Assert.Equal(1, SpecialFunctions.Hypergeometric2F1(2.5, 3.5, 1.5, 0));
        Assert.True(double.IsNaN(SpecialFunctions.Hypergeometric2F1(1, 1, 2, 1)));
        Assert.True(double.IsNaN(SpecialFunctions.Hypergeometric2F1(1, 1, 2, -1.5)));
        Assert.True(double.IsNaN(SpecialFunctions.Hypergeometric2F1(1, 1, -2, 0.5)));
    }

    [Fact]
    public void Hypergeometric_gives_up_rather_than_returning_a_truncated_sum()
        // Terms decay like k^(a+b−c−1) zᵏ: at z = 1 − 1e-7 the series needs far more than the term limit.
        => Assert.True(double.IsNaN(SpecialFunctions.Hypergeometric2F1(3, 2, 1, 1 - 1e-7)));

    private static void AssertRelative(double expected, double actual)
        => Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
}
