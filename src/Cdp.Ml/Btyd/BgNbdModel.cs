namespace Cdp.Ml.Btyd;

/// <summary>BG/NBD parameters: purchase rates λ ~ Gamma(shape r, rate α); drop-out probabilities p ~ Beta(a, b).</summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B);

/// <summary>
/// The beta-geometric/negative binomial distribution model of Fader, Hardie &amp; Lee (2005), "Counting Your Customers
/// the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2). While alive a customer buys at
/// Poisson rate λ; after each purchase the customer drops out with probability p. Equation numbers below are the
/// paper's.
/// </summary>
public sealed class BgNbdModel : IPurchaseModel
{
    public const string Name = "BG/NBD";

    /// <summary>A model with known parameters (for scoring with parameters stored from an earlier fit).</summary>
    public BgNbdModel(BgNbdParameters parameters, FitReport? fit = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MaximumLikelihood.RequirePositive(Name, ("r", parameters.R), ("alpha", parameters.Alpha), ("a", parameters.A), ("b", parameters.B));
        Parameters = parameters;
        Fit = fit;
    }

    public BgNbdParameters Parameters { get; }

    public FitReport? Fit { get; }

    /// <summary>
    /// Maximum likelihood estimates of r, α, a, b. Refuses (<see cref="InsufficientDataException"/>) with fewer than
    /// <see cref="FitOptions.MinimumCustomers"/> customers or <see cref="FitOptions.MinimumRepeatBuyers"/> repeat buyers.
    /// </summary>
    public static BgNbdModel FitTo(IEnumerable<CustomerSummary> customers, FitOptions? options = null)
    {
        options ??= FitOptions.Default;
        var groups = RfmGroups.From(customers);
        groups.RequireEnough(Name, options);
        var fit = MaximumLikelihood.Fit(p => LogLikelihood(Of(p), groups), 4, options);
        return new BgNbdModel(Of(fit.Parameters),
            new FitReport(fit.LogLikelihood, groups.Customers, groups.RepeatBuyers, fit.Iterations, fit.Evaluations, fit.Converged));
    }

    private static BgNbdParameters Of(double[] p) => new(p[0], p[1], p[2], p[3]);

    /// <summary>The total log-likelihood of the customers under <paramref name="parameters"/>.</summary>
    public static double LogLikelihood(BgNbdParameters parameters, IEnumerable<CustomerSummary> customers)
        => LogLikelihood(parameters, RfmGroups.From(customers));

    internal static double LogLikelihood(BgNbdParameters p, RfmGroups groups)
    {
        // Equation (6): L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        //                 + δ(x>0) B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)),
        // taken in logs as ln A₁ + ln A₂ + ln(e^A₃ + δ e^A₄) to stay finite for large x.
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var logGammaR = SpecialFunctions.LogGamma(r);
        var logGammaB = SpecialFunctions.LogGamma(b);
        var logGammaAb = SpecialFunctions.LogGamma(a + b);
        var logAlpha = Math.Log(alpha);
        var total = 0.0;
        for (var i = 0; i < groups.Length; i++)
        {
            var x = groups.Frequency[i];
            var a1 = SpecialFunctions.LogGamma(r + x) - logGammaR + r * logAlpha;
            var a2 = logGammaAb + SpecialFunctions.LogGamma(b + x) - logGammaB - SpecialFunctions.LogGamma(a + b + x);
            var a3 = -(r + x) * Math.Log(alpha + groups.Age[i]);
            var a4 = x > 0 ? Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + groups.Recency[i]) : double.NegativeInfinity;
            total += groups.Count[i] * (a1 + a2 + SpecialFunctions.LogSumExp(a3, a4));
        }
        return total;
    }

    /// <summary>
    /// E[X(t)], the expected number of purchases in (0, t] for a new customer (equation 7):
    /// (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]. Holds for any a ≠ 1 (for a &lt; 1 both factors
    /// are negative); at exactly a = 1 the expression is 0/0 and the result is not finite.
    /// </summary>
    public double ExpectedPurchases(double t)
    {
        RequireHorizon(t);
        var (r, alpha, a, b) = (Parameters.R, Parameters.Alpha, Parameters.A, Parameters.B);
        if (t == 0) return 0;
        var hyper = SpecialFunctions.Hypergeometric2F1(r, b, a + b - 1, t / (alpha + t));
        return (a + b - 1) / (a - 1) * (1 - Math.Pow(alpha / (alpha + t), r) * hyper);
    }

    /// <summary>
    /// E[Y(t) | x, t_x, T] (equation 10):
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
    ///   / [1 + δ(x>0) a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
    /// </summary>
    public double ConditionalExpectedPurchases(double t, CustomerSummary customer)
    {
        RfmGroups.Validate(customer);
        RequireHorizon(t);
        if (t == 0) return 0;
        var (r, alpha, a, b) = (Parameters.R, Parameters.Alpha, Parameters.A, Parameters.B);
        var (x, age) = (customer.Frequency, customer.Age);
        var hyper = SpecialFunctions.Hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + age + t));
        var growth = (a + b + x - 1) / (a - 1) * (1 - Math.Pow((alpha + age) / (alpha + age + t), r + x) * hyper);
        return growth * ProbabilityAlive(customer);
    }

    /// <summary>P(alive | x, t_x, T) = 1 / [1 + δ(x>0) a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)] (Fader, Hardie &amp; Lee 2008, "Computing P(alive) Using the BG/NBD Model").</summary>
    public double ProbabilityAlive(CustomerSummary customer)
    {
        RfmGroups.Validate(customer);
        if (customer.Frequency == 0) return 1;
        var (r, alpha, a, b) = (Parameters.R, Parameters.Alpha, Parameters.A, Parameters.B);
        var x = customer.Frequency;
        var logOdds = Math.Log(a) - Math.Log(b + x - 1) + (r + x) * (Math.Log(alpha + customer.Age) - Math.Log(alpha + customer.Recency));
        return 1 / (1 + Math.Exp(logOdds));
    }

    internal static void RequireHorizon(double t)
    {
        if (!double.IsFinite(t) || t < 0)
            throw new ArgumentOutOfRangeException(nameof(t), t, "The prediction horizon must be a finite number of time units, zero or more.");
    }
}
