namespace Cdp.Ml.Btyd;

/// <summary>
/// How customer value is computed: over <paramref name="Horizon"/> time units (the summary's unit), cut into steps of
/// <paramref name="StepLength"/>, each step's expected purchases discounted at <paramref name="DiscountRate"/> per
/// step, counted at the end of the step. A discount rate of 0 gives the undiscounted value.
/// </summary>
/// <param name="Horizon">How far ahead value is counted, e.g. 52 weeks.</param>
/// <param name="StepLength">The discounting period, e.g. 4.345 weeks for monthly; the horizon when null.</param>
/// <param name="DiscountRate">The discount rate per step, e.g. 0.01 a month.</param>
public sealed record CustomerValueOptions(double Horizon, double? StepLength = null, double DiscountRate = 0);

/// <summary>
/// Customer value = expected purchases × expected spend per purchase. With D(t) = E[Y(t) | x, t_x, T] from a purchase
/// model and m = E[M | x, z̄] from the Gamma-Gamma model, steps of length Δ over the horizon H (n = ⌈H/Δ⌉, the
/// last step ending at H) and a discount rate d per step:
/// <code>value = m · Σᵢ₌₁..ₙ [D(tᵢ) − D(tᵢ₋₁)] / (1 + d)^i,   tᵢ = min(iΔ, H)</code>
/// With d = 0 this is D(H) · m. Multiplying the two expectations is valid because the Gamma-Gamma model assumes spend
/// is independent of the purchase process (Fader, Hardie &amp; Lee 2005, "RFM and CLV"); it is the expected residual
/// value over the horizon, not a lifetime value to infinity.
/// </summary>
public static class CustomerValue
{
    public static double Of(IPurchaseModel purchases, GammaGammaModel spend, CustomerSummary customer, CustomerValueOptions options)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(options);
        var horizon = options.Horizon;
        if (!double.IsFinite(horizon) || horizon <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), horizon, "The customer value horizon must be a positive number of time units.");
        var step = options.StepLength ?? horizon;
        if (!double.IsFinite(step) || step <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), step, "The discounting step must be a positive number of time units.");
        if (!double.IsFinite(options.DiscountRate) || options.DiscountRate <= -1)
            throw new ArgumentOutOfRangeException(nameof(options), options.DiscountRate, "The discount rate per step must be greater than -1.");

        var perPurchase = spend.ConditionalExpectedSpend(customer);
        var steps = (int)Math.Ceiling(horizon / step - 1e-9);
        var value = 0.0;
        var before = 0.0;
        for (var i = 1; i <= steps; i++)
        {
            var end = Math.Min(i * step, horizon);
            var cumulative = purchases.ConditionalExpectedPurchases(end, customer);
            value += (cumulative - before) / Math.Pow(1 + options.DiscountRate, i);
            before = cumulative;
        }
        return value * perPurchase;
    }
}
