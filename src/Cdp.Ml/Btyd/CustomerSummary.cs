namespace Cdp.Ml.Btyd;

/// <summary>
/// One customer's purchase history in the form the BTYD models read, measured in one time unit (days or weeks)
/// from the customer's first purchase.
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Frequency">x: the number of repeat purchases (distinct purchase days after the first one).</param>
/// <param name="Recency">t_x: the time from the first purchase to the last one (0 when x = 0).</param>
/// <param name="Age">T: the time from the first purchase to the end of the observation period.</param>
/// <param name="MonetaryValue">z̄: the mean spend of the repeat purchase days (0 when x = 0); only Gamma-Gamma reads it.</param>
public sealed record CustomerSummary(string CustomerId, int Frequency, double Recency, double Age, double MonetaryValue = 0)
{
    /// <summary>True when the customer bought again after the first purchase (x &gt; 0).</summary>
    public bool IsRepeatBuyer => Frequency > 0;
}
