namespace Cdp.Ml.Btyd;

/// <summary>
/// Gamma-Gamma parameters: each purchase's spend z ~ Gamma(shape p, rate ν) around a customer's mean p/ν;
/// ν ~ Gamma(shape q, rate γ) across customers (γ is the paper's v).
/// </summary>
public sealed record GammaGammaParameters(double P, double Q, double Gamma);

/// <summary>
/// The Gamma-Gamma spend model of Fader, Hardie &amp; Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer
/// Base Analysis", Journal of Marketing Research 42(4), and Fader &amp; Hardie's note "The Gamma-Gamma Model of Monetary
/// Value" (2013). It is fitted on repeat buyers only (x &gt; 0, z̄ their mean repeat spend) and assumes spend is
/// independent of the purchase process, which is what lets value multiply purchases by spend.
/// </summary>
public sealed class GammaGammaModel
{
    public const string Name = "Gamma-Gamma";

    public GammaGammaModel(GammaGammaParameters parameters, FitReport? fit = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MaximumLikelihood.RequirePositive(Name, ("p", parameters.P), ("q", parameters.Q), ("gamma", parameters.Gamma));
        Parameters = parameters;
        Fit = fit;
    }

    public GammaGammaParameters Parameters { get; }

    public FitReport? Fit { get; }

    /// <summary>
    /// Maximum likelihood estimates of p, q, γ from the repeat buyers among <paramref name="customers"/> (the others
    /// are ignored). Refuses with fewer than <see cref="FitOptions.MinimumRepeatBuyers"/> repeat buyers.
    /// </summary>
    public static GammaGammaModel FitTo(IEnumerable<CustomerSummary> customers, FitOptions? options = null)
    {
        options ??= FitOptions.Default;
        var (frequency, spend, count, all) = Group(customers);
        var repeatBuyers = (int)count.Sum();
        if (repeatBuyers < Math.Max(1, options.MinimumRepeatBuyers))
            throw BtydErrors.TooFewRepeatBuyers(Name, all, repeatBuyers, options);
        var fit = MaximumLikelihood.Fit(p => LogLikelihood(new GammaGammaParameters(p[0], p[1], p[2]), frequency, spend, count), 3, options);
        return new GammaGammaModel(new GammaGammaParameters(fit.Parameters[0], fit.Parameters[1], fit.Parameters[2]),
            new FitReport(fit.LogLikelihood, repeatBuyers, repeatBuyers, fit.Iterations, fit.Evaluations, fit.Converged));
    }

    /// <summary>The total log-likelihood of the repeat buyers' mean spends.</summary>
    public static double LogLikelihood(GammaGammaParameters parameters, IEnumerable<CustomerSummary> customers)
    {
        var (frequency, spend, count, _) = Group(customers);
        return LogLikelihood(parameters, frequency, spend, count);
    }

    private static double LogLikelihood(GammaGammaParameters parameters, int[] frequency, double[] spend, double[] count)
    {
        // z̄ given ν is Gamma(px, xν); integrating ν ~ Gamma(q, γ) gives the density
        // f(z̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · z̄^(px−1) / (γ + x z̄)^(px+q).
        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        var constant = q * Math.Log(gamma) - SpecialFunctions.LogGamma(q);
        var total = 0.0;
        for (var i = 0; i < frequency.Length; i++)
        {
            var (x, z) = (frequency[i], spend[i]);
            var px = p * x;
            total += count[i] * (SpecialFunctions.LogGamma(px + q) - SpecialFunctions.LogGamma(px) + constant
                + px * Math.Log(x) + (px - 1) * Math.Log(z) - (px + q) * Math.Log(gamma + x * z));
        }
        return total;
    }

    /// <summary>
    /// E[M | p, q, γ, x, z̄] = (γ + x z̄) p / (px + q − 1): a weighted mean of the population mean γp/(q−1) and the
    /// customer's own z̄, weighted towards z̄ as x grows. For x = 0 it is the population mean. Needs q &gt; 1 (the
    /// population mean spend is infinite otherwise) and returns +∞ when q ≤ 1 and x = 0.
    /// </summary>
    public double ConditionalExpectedSpend(CustomerSummary customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var (p, q, gamma) = (Parameters.P, Parameters.Q, Parameters.Gamma);
        var x = customer.IsRepeatBuyer ? customer.Frequency : 0;
        var z = customer.IsRepeatBuyer ? customer.MonetaryValue : 0;
        var denominator = p * x + q - 1;
        return denominator > 0 ? (gamma + x * z) * p / denominator : double.PositiveInfinity;
    }

    /// <summary>Repeat buyers grouped by (x, z̄), ordered, with counts; plus the number of customers given.</summary>
    private static (int[] Frequency, double[] Spend, double[] Count, int Customers) Group(IEnumerable<CustomerSummary> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var counts = new SortedDictionary<(int, double), int>();
        var all = 0;
        foreach (var c in customers)
        {
            RfmGroups.Validate(c);
            all++;
            if (!c.IsRepeatBuyer) continue;
            if (!double.IsFinite(c.MonetaryValue) || c.MonetaryValue <= 0)
                throw BtydErrors.InvalidCustomer(c, "a repeat buyer's mean spend z̄ is not a positive number");
            var key = (c.Frequency, c.MonetaryValue);
            counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
        }
        return (counts.Keys.Select(k => k.Item1).ToArray(), counts.Keys.Select(k => k.Item2).ToArray(),
            counts.Values.Select(v => (double)v).ToArray(), all);
    }
}
