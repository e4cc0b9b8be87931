using System.Globalization;
using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

/// <summary>
/// Customers drawn from the BG/NBD story with a seeded generator, so likelihood tests need no shared data: each customer
/// has a purchase rate λ ~ Gamma(r, α), a drop-out probability p ~ Beta(a, b) and per-purchase spend
/// Gamma(6, ν) with ν ~ Gamma(4, 15); after each purchase the customer drops out with probability p. Times are
/// rounded down to whole days, so customers share (x, t_x, T) triples as real summaries do.
/// </summary>
public static class Simulation
{
    public static IReadOnlyList<CustomerSummary> BgNbdCustomers(int count, BgNbdParameters parameters, int seed = 7)
    {
        var random = new Random(seed);
        var customers = new List<CustomerSummary>(count);
        for (var i = 0; i < count; i++)
        {
            // First purchases spread over 12 weeks of a 39-week calibration; times in whole days, as summaries are built.
            var age = (189 + random.Next(84)) / 7.0;
            var lambda = Gamma(random, parameters.R) / parameters.Alpha;
            var ga = Gamma(random, parameters.A);
            var dropOut = ga / (ga + Gamma(random, parameters.B));
            var nu = Gamma(random, 4) / 15;
            var (x, last, spend, time) = (0, 0.0, 0.0, 0.0);
            // No drop-out at the first purchase (time 0); after each repeat purchase, drop out with probability p.
            while (true)
            {
                time += -Math.Log(1 - random.NextDouble()) / lambda;
                if (time > age) break;
                x++;
                last = Math.Floor(time * 7) / 7;
                spend += Gamma(random, 6) / nu;
                if (random.NextDouble() < dropOut) break;
            }
            customers.Add(new CustomerSummary(i.ToString(CultureInfo.InvariantCulture), x, last, age, x > 0 ? spend / x : 0));
        }
        return customers;
    }

    /// <summary>Gamma(shape, 1) by Marsaglia &amp; Tsang (2000), boosted by U^(1/shape) for shape &lt; 1.</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                z = Normal(random);
                v = 1 + c * z;
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
