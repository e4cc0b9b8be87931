using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

public class NelderMeadTests
{
    private static double Rosenbrock(double[] p) => 100 * Math.Pow(p[1] - p[0] * p[0], 2) + Math.Pow(1 - p[0], 2);

    [Fact]
    public void Finds_the_minimum_of_the_Rosenbrock_valley()
    {
        var optimum = NelderMead.Minimise(Rosenbrock, [-1.2, 1.0]);
        Assert.True(optimum.Converged);
        Assert.Equal(1, optimum.Point[0], 1e-5);
        Assert.Equal(1, optimum.Point[1], 1e-5);
        Assert.True(optimum.Value < 1e-10);
    }

    [Fact]
    public void Is_deterministic()
    {
        var first = NelderMead.Minimise(Rosenbrock, [-1.2, 1.0]);
        var second = NelderMead.Minimise(Rosenbrock, [-1.2, 1.0]);
        Assert.Equal(first.Point, second.Point);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(first.Evaluations, second.Evaluations);
    }

    [Fact]
    public void Rejects_points_where_the_objective_is_not_finite()
    {
        // The minimum of (x − 2)² is outside the feasible region x ≤ 1, so the answer is the boundary.
        var optimum = NelderMead.Minimise(p => p[0] > 1 ? double.NaN : Math.Pow(p[0] - 2, 2), [0.0]);
        Assert.InRange(optimum.Point[0], 0.999, 1.0);
    }
}
