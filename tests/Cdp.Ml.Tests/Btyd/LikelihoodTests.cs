using Cdp.Ml.Btyd;
using Xunit.Abstractions;

namespace Cdp.Ml.Tests.Btyd;

/// <summary>
/// The fits are maxima of their likelihoods and do not depend on anything but the data, on customers simulated from
/// known parameters (no shared data needed).
/// </summary>
public sealed class LikelihoodTests(ITestOutputHelper output)
{
    private static readonly BgNbdParameters Truth = new(0.5, 5, 0.8, 2.5);
    private static readonly IReadOnlyList<CustomerSummary> Customers = Simulation.BgNbdCustomers(2000, Truth);

    [Fact]
    public void BgNbd_fit_is_a_maximum_and_recovers_the_simulated_parameters()
    {
        var model = BgNbdModel.FitTo(Customers);
        var p = model.Parameters;
        output.WriteLine(FormattableString.Invariant($"BG/NBD on simulated data: r={p.R:F3} alpha={p.Alpha:F3} a={p.A:F3} b={p.B:F3} LL={model.Fit!.LogLikelihood:F3}"));
        Assert.Equal(model.Fit.LogLikelihood, BgNbdModel.LogLikelihood(p, Customers), 1e-9);
        Assert.True(model.Fit.LogLikelihood >= BgNbdModel.LogLikelihood(Truth, Customers));
        AssertPerturbationsLower(model.Fit.LogLikelihood, [p.R, p.Alpha, p.A, p.B],
            v => BgNbdModel.LogLikelihood(new BgNbdParameters(v[0], v[1], v[2], v[3]), Customers));
        // Loose recovery: 2,000 customers pin r and alpha well, the drop-out Beta(a, b) less so.
        Assert.Equal(Truth.R, p.R, Truth.R * 0.15);
        Assert.Equal(Truth.Alpha, p.Alpha, Truth.Alpha * 0.2);
        Assert.Equal(Truth.A / (Truth.A + Truth.B), p.A / (p.A + p.B), 0.05);
    }

    [Fact]
    public void ParetoNbd_fit_is_a_maximum()
    {
        // A subset keeps the test quick: every distinct (x, t_x, T) costs two hypergeometric series per evaluation, and
        // on BG/NBD-simulated data the fit goes to β ≫ α, where those series need hundreds of terms.
        var customers = Customers.Take(300).ToList();
        var model = ParetoNbdModel.FitTo(customers);
        var p = model.Parameters;
        output.WriteLine(FormattableString.Invariant($"Pareto/NBD on simulated data: r={p.R:F3} alpha={p.Alpha:F3} s={p.S:F3} beta={p.Beta:F3} LL={model.Fit!.LogLikelihood:F3}, {model.Fit.Iterations} iterations, {model.Fit.Evaluations} evaluations"));
        Assert.Equal(model.Fit!.LogLikelihood, ParetoNbdModel.LogLikelihood(p, customers), 1e-9);
        AssertPerturbationsLower(model.Fit.LogLikelihood, [p.R, p.Alpha, p.S, p.Beta],
            v => ParetoNbdModel.LogLikelihood(new ParetoNbdParameters(v[0], v[1], v[2], v[3]), customers));
    }

    [Fact]
    public void GammaGamma_fit_is_a_maximum_and_recovers_the_simulated_parameters()
    {
        var model = GammaGammaModel.FitTo(Customers);
        var p = model.Parameters;
        output.WriteLine(FormattableString.Invariant($"Gamma-Gamma on simulated data: p={p.P:F3} q={p.Q:F3} gamma={p.Gamma:F3}"));
        AssertPerturbationsLower(model.Fit!.LogLikelihood, [p.P, p.Q, p.Gamma],
            v => GammaGammaModel.LogLikelihood(new GammaGammaParameters(v[0], v[1], v[2]), Customers));
        // Simulated spend: Gamma(6, ν) with ν ~ Gamma(4, 15); the population mean γp/(q−1) = 30 is the best determined
        // quantity (the spread of 1/ν is wide, so within 10% on ~1,000 repeat buyers).
        Assert.Equal(30, p.Gamma * p.P / (p.Q - 1), 3.0);
    }

    [Fact]
    public void Fits_are_deterministic_and_ignore_input_order()
    {
        var customers = Customers.Take(500).ToList();
        var reversed = customers.AsEnumerable().Reverse().ToList();
        var first = BgNbdModel.FitTo(customers);
        var again = BgNbdModel.FitTo(customers);
        var shuffled = BgNbdModel.FitTo(reversed);
        Assert.Equal(first.Parameters, again.Parameters);
        Assert.Equal(first.Parameters, shuffled.Parameters);
        Assert.Equal(first.Fit!.LogLikelihood, shuffled.Fit!.LogLikelihood);
        Assert.Equal(GammaGammaModel.FitTo(customers).Parameters, GammaGammaModel.FitTo(reversed).Parameters);
        Assert.Equal(ParetoNbdModel.FitTo(customers).Parameters, ParetoNbdModel.FitTo(reversed).Parameters);
    }

    [Fact]
    public void BgNbd_predictions_behave_as_the_model_says()
    {
        var model = new BgNbdModel(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));
        var recent = new CustomerSummary("recent", 5, 38, 39);
        var lapsed = new CustomerSummary("lapsed", 5, 5, 39);
        var newcomer = new CustomerSummary("newcomer", 0, 0, 39);
        Assert.Equal(1, model.ProbabilityAlive(newcomer));
        Assert.True(model.ProbabilityAlive(recent) > model.ProbabilityAlive(lapsed));
        Assert.True(model.ConditionalExpectedPurchases(52, recent) > model.ConditionalExpectedPurchases(52, lapsed));
        Assert.Equal(0, model.ConditionalExpectedPurchases(0, recent));
        Assert.True(model.ExpectedPurchases(10) < model.ExpectedPurchases(20));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ExpectedPurchases(-1));
    }

    [Fact]
    public void ParetoNbd_predictions_behave_as_the_model_says()
    {
        var model = new ParetoNbdModel(new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669));
        var recent = new CustomerSummary("recent", 5, 38, 39);
        var lapsed = new CustomerSummary("lapsed", 5, 5, 39);
        Assert.InRange(model.ProbabilityAlive(lapsed), 0, 1);
        Assert.True(model.ProbabilityAlive(recent) > model.ProbabilityAlive(lapsed));
        Assert.True(model.ConditionalExpectedPurchases(52, recent) > model.ConditionalExpectedPurchases(52, lapsed));
        // A purchase at the very end of the period: A₀ = 0, so the customer is certainly alive.
        Assert.Equal(1, model.ProbabilityAlive(new CustomerSummary("now", 3, 39, 39)));
        // s = 1 is the limit of the closed form, continuous on either side.
        var atOne = new ParetoNbdModel(new ParetoNbdParameters(0.5, 10, 1, 12)).ConditionalExpectedPurchases(39, recent);
        var nearOne = new ParetoNbdModel(new ParetoNbdParameters(0.5, 10, 1 + 1e-7, 12)).ConditionalExpectedPurchases(39, recent);
        Assert.Equal(atOne, nearOne, 1e-5);
    }

    internal static void AssertPerturbationsLower(double maximum, double[] estimate, Func<double[], double> logLikelihood)
    {
        for (var i = 0; i < estimate.Length; i++)
        {
            foreach (var factor in new[] { 0.99, 1.01 })
            {
                var moved = (double[])estimate.Clone();
                moved[i] *= factor;
                var value = logLikelihood(moved);
                Assert.True(value < maximum, $"moving parameter {i} by a factor {factor} raised the log-likelihood from {maximum:R} to {value:R}");
            }
        }
    }
}
