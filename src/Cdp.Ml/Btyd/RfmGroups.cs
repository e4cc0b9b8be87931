namespace Cdp.Ml.Btyd;

/// <summary>
/// Customers collapsed to their distinct (x, t_x, T) triples with a count each. The likelihood of a customer depends
/// only on the triple, so a fit evaluates each triple once: CDNOW's 2,357 customers are about 1,000 triples.
/// </summary>
internal sealed class RfmGroups
{
    private RfmGroups(int[] frequency, double[] recency, double[] age, double[] count, int customers, int repeatBuyers)
    {
        Frequency = frequency;
        Recency = recency;
        Age = age;
        Count = count;
        Customers = customers;
        RepeatBuyers = repeatBuyers;
    }

    public int[] Frequency { get; }
    public double[] Recency { get; }
    public double[] Age { get; }
    public double[] Count { get; }
    public int Customers { get; }
    public int RepeatBuyers { get; }
    public int Length => Frequency.Length;

    /// <summary>Validates every summary and groups them; ordered by (x, t_x, T) so sums do not depend on input order.</summary>
    public static RfmGroups From(IEnumerable<CustomerSummary> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var counts = new SortedDictionary<(int, double, double), int>();
        var total = 0;
        var repeat = 0;
        foreach (var c in customers)
        {
            Validate(c);
            var key = (c.Frequency, c.Recency, c.Age);
            counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
            total++;
            if (c.IsRepeatBuyer) repeat++;
        }
        return new RfmGroups(
            counts.Keys.Select(k => k.Item1).ToArray(),
            counts.Keys.Select(k => k.Item2).ToArray(),
            counts.Keys.Select(k => k.Item3).ToArray(),
            counts.Values.Select(v => (double)v).ToArray(),
            total,
            repeat);
    }

    /// <summary>Refuses data that cannot identify a purchase model, with the numbers in the message.</summary>
    public void RequireEnough(string model, FitOptions options)
    {
        if (Customers < options.MinimumCustomers) throw BtydErrors.TooFewCustomers(model, Customers, RepeatBuyers, options);
        if (RepeatBuyers < Math.Max(1, options.MinimumRepeatBuyers)) throw BtydErrors.TooFewRepeatBuyers(model, Customers, RepeatBuyers, options);
    }

    public static void Validate(CustomerSummary c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Frequency < 0) throw BtydErrors.InvalidCustomer(c, "the frequency x is negative");
        if (!double.IsFinite(c.Age) || c.Age <= 0) throw BtydErrors.InvalidCustomer(c, "the age T is not a positive number");
        if (!double.IsFinite(c.Recency) || c.Recency < 0 || c.Recency > c.Age) throw BtydErrors.InvalidCustomer(c, "the recency t_x is outside [0, T]");
        if (c.Frequency == 0 && c.Recency != 0) throw BtydErrors.InvalidCustomer(c, "a customer with no repeat purchase has t_x ≠ 0");
    }
}
