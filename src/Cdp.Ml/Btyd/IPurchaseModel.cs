namespace Cdp.Ml.Btyd;

/// <summary>A fitted model of the purchase and drop-out processes (BG/NBD or Pareto/NBD), used to score customers.</summary>
public interface IPurchaseModel
{
    /// <summary>E[Y(t) | x, t_x, T]: expected purchases in the next <paramref name="t"/> time units for this customer.</summary>
    double ConditionalExpectedPurchases(double t, CustomerSummary customer);

    /// <summary>P(alive | x, t_x, T): the probability the customer has not dropped out by the end of the period.</summary>
    double ProbabilityAlive(CustomerSummary customer);

    /// <summary>The maximised log-likelihood and the data of the fit; null for a model built from given parameters.</summary>
    FitReport? Fit { get; }
}
