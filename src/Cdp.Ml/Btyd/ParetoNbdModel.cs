namespace Cdp.Ml.Btyd;

/// <summary>Pareto/NBD parameters: purchase rates λ ~ Gamma(shape r, rate α); drop-out rates μ ~ Gamma(shape s, rate β).</summary>
public sealed record ParetoNbdParameters(double R, double Alpha, double S, double Beta);

/// <summary>
/// The Pareto/NBD model of Schmittlein, Morrison &amp; Colombo (1987), "Counting Your Customers: Who Are They and What
/// Will They Do Next?", Management Science 33(1): while alive a customer buys at Poisson rate λ and stays alive for an
/// exponential lifetime with rate μ. The likelihood, P(alive) and E[Y(t)] are in the form of Fader &amp; Hardie (2005),
/// "A Note on Deriving the Pareto/NBD Model and Related Expressions", which needs one
/// Gaussian hypergeometric function per observation end point.
/// </summary>
public sealed class ParetoNbdModel : IPurchaseModel
{
    public const string Name = "Pareto/NBD";

    public ParetoNbdModel(ParetoNbdParameters parameters, FitReport? fit = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MaximumLikelihood.RequirePositive(Name, ("r", parameters.R), ("alpha", parameters.Alpha), ("s", parameters.S), ("beta", parameters.Beta));
        Parameters = parameters;
        Fit = fit;
    }

    public ParetoNbdParameters Parameters { get; }

    public FitReport? Fit { get; }

    /// <summary>Maximum likelihood estimates of r, α, s, β; refuses like <see cref="BgNbdModel.FitTo"/>.</summary>
    public static ParetoNbdModel FitTo(IEnumerable<CustomerSummary> customers, FitOptions? options = null)
    {
        options ??= FitOptions.Default;
        var groups = RfmGroups.From(customers);
        groups.RequireEnough(Name, options);
        var fit = MaximumLikelihood.Fit(p => LogLikelihood(Of(p), groups), 4, options);
        return new ParetoNbdModel(Of(fit.Parameters),
            new FitReport(fit.LogLikelihood, groups.Customers, groups.RepeatBuyers, fit.Iterations, fit.Evaluations, fit.Converged));
    }

    private static ParetoNbdParameters Of(double[] p) => new(p[0], p[1], p[2], p[3]);

    public static double LogLikelihood(ParetoNbdParameters parameters, IEnumerable<CustomerSummary> customers)
        => LogLikelihood(parameters, RfmGroups.From(customers));

    internal static double LogLikelihood(ParetoNbdParameters p, RfmGroups groups)
    {
        // L = Γ(r+x) α^r β^s / Γ(r) · { 1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀ }.
        var (r, alpha, s, beta) = (p.R, p.Alpha, p.S, p.Beta);
        var constant = -SpecialFunctions.LogGamma(r) + r * Math.Log(alpha) + s * Math.Log(beta);
        var total = 0.0;
        for (var i = 0; i < groups.Length; i++)
        {
            var x = groups.Frequency[i];
            var (tx, age) = (groups.Recency[i], groups.Age[i]);
            var survived = -(r + x) * Math.Log(alpha + age) - s * Math.Log(beta + age);
            var droppedOut = Math.Log(s) - Math.Log(r + s + x) + LogA0(p, x, tx, age);
            total += groups.Count[i] * (SpecialFunctions.LogGamma(r + x) + constant + SpecialFunctions.LogSumExp(survived, droppedOut));
        }
        return total;
    }

    /// <summary>
    /// ln A₀, where A₀ = F(t_x) − F(T) and F(u) = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+u)) / (α+u)^(r+s+x) when α ≥ β,
    /// else F(u) = ₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+u)) / (β+u)^(r+s+x); the choice keeps the argument z in [0, 1).
    /// Those series converge slowly for large x (their terms first grow like the (r+x)ₖ factor), so F is evaluated
    /// through Euler's transformation ₂F₁(a, b; c; z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z), which here gives a series
    /// ₂F₁(1, ·; r+s+x+1; z) whose term ratio stays below z, with 1 − z = (β+u)/(α+u) or (α+u)/(β+u) exactly:
    /// α ≥ β: ln F(u) = ln ₂F₁(1, r+x; r+s+x+1; z) − s ln(β+u) − (r+x) ln(α+u);
    /// α &lt; β: ln F(u) = ln ₂F₁(1, s+1; r+s+x+1; z) − (r+x−1) ln(α+u) − (s+1) ln(β+u).
    /// A₀ is computed as ln F(t_x) + ln(1 − F(T)/F(t_x)) so that a recency close to T does not cancel
    /// catastrophically; A₀ = 0 (ln = −∞) when t_x = T.
    /// </summary>
    private static double LogA0(ParetoNbdParameters p, int x, double tx, double age)
    {
        var (r, alpha, s, beta) = (p.R, p.Alpha, p.S, p.Beta);
        var c = r + s + x + 1;
        double LogF(double u) => alpha >= beta
            ? Math.Log(SpecialFunctions.Hypergeometric2F1(1, r + x, c, (alpha - beta) / (alpha + u))) - s * Math.Log(beta + u) - (r + x) * Math.Log(alpha + u)
            : Math.Log(SpecialFunctions.Hypergeometric2F1(1, s + 1, c, (beta - alpha) / (beta + u))) - (r + x - 1) * Math.Log(alpha + u) - (s + 1) * Math.Log(beta + u);
        var atRecency = LogF(tx);
        var atAge = LogF(age);
        var ratio = Math.Exp(atAge - atRecency);
        return ratio >= 1 ? double.NegativeInfinity : atRecency + Math.Log(1 - ratio);
    }

    /// <summary>
    /// P(alive | x, t_x, T) = 1 / {1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀} (Fader &amp; Hardie 2005 note).
    /// </summary>
    public double ProbabilityAlive(CustomerSummary customer)
    {
        RfmGroups.Validate(customer);
        var (r, alpha, s, beta) = (Parameters.R, Parameters.Alpha, Parameters.S, Parameters.Beta);
        var (x, tx, age) = (customer.Frequency, customer.Recency, customer.Age);
        var logOdds = Math.Log(s) - Math.Log(r + s + x) + (r + x) * Math.Log(alpha + age) + s * Math.Log(beta + age) + LogA0(Parameters, x, tx, age);
        return 1 / (1 + Math.Exp(logOdds));
    }

    /// <summary>
    /// E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive | x, t_x, T)
    /// (Fader &amp; Hardie 2005 note); at s = 1 the bracket over (s−1) is its limit ln((β+T+t)/(β+T)).
    /// </summary>
    public double ConditionalExpectedPurchases(double t, CustomerSummary customer)
    {
        RfmGroups.Validate(customer);
        BgNbdModel.RequireHorizon(t);
        var (r, alpha, s, beta) = (Parameters.R, Parameters.Alpha, Parameters.S, Parameters.Beta);
        var (x, age) = (customer.Frequency, customer.Age);
        var logRatio = Math.Log((beta + age + t) / (beta + age));
        // (1 − u^(s−1)) / (s−1) with u = (β+T)/(β+T+t) = −expm1(−(s−1) ln(1/u)) / (s−1), stable near s = 1.
        var lifetime = Math.Abs(s - 1) < 1e-12 ? logRatio : -ExpM1(-(s - 1) * logRatio) / (s - 1);
        return (r + x) * (beta + age) / (alpha + age) * lifetime * ProbabilityAlive(customer);
    }

    /// <summary>E[X(t)] for a new customer: r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)] (Schmittlein et al. 1987).</summary>
    public double ExpectedPurchases(double t)
    {
        BgNbdModel.RequireHorizon(t);
        var (r, alpha, s, beta) = (Parameters.R, Parameters.Alpha, Parameters.S, Parameters.Beta);
        var logRatio = Math.Log((beta + t) / beta);
        var lifetime = Math.Abs(s - 1) < 1e-12 ? logRatio : -ExpM1(-(s - 1) * logRatio) / (s - 1);
        return r * beta / alpha * lifetime;
    }

    // e^x − 1 accurate for small x (System.Math has no expm1).
    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;
}
