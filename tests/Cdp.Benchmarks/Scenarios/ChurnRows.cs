using Cdp.Ml.Training;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// A deterministic churn-like <see cref="TrainingTable"/>: 15 numeric columns of customer behaviour (counts, money,
/// recency, engagement, a few missing values), a plan and a channel, and a label drawn from a logistic model with
/// thresholds, a U-shaped charge effect, saturation and a plan-by-tenure interaction (so trees can beat a linear
/// model), its intercept set so that about 25% of customers churn. Same rows and seed give the same table.
/// </summary>
internal static class ChurnRows
{
    public static readonly string[] NumericColumns =
    [
        "tenure_months", "monthly_charges", "total_charges", "orders_90d", "days_since_last_order", "avg_order_value",
        "support_tickets_90d", "email_open_rate", "email_click_rate", "app_sessions_30d", "web_sessions_30d",
        "discount_share", "returns_share", "loyalty_points", "age_years",
    ];

    public static readonly string[] CategoricalColumns = ["plan", "channel"];

    private static readonly string[] Plans = ["monthly", "yearly", "two-year"];
    private static readonly string?[] Channels = ["web", "app", "store", "phone", null];

    public const double PositiveRate = 0.25;

    public static TrainingTable Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var numeric = new double[rows][];
        var categorical = new string?[rows][];
        var margins = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var tenure = random.Next(0, 73);
            var plan = Plans[random.NextDouble() switch { < 0.55 => 0, < 0.8 => 1, _ => 2 }];
            var channel = random.NextDouble() < 0.02 ? Channels[4] : Channels[random.Next(4)];
            var charges = 20 + 100 * random.NextDouble();
            var orders = Poisson(random, 0.5 + tenure / 24.0);
            var recency = Math.Min(365, Math.Round(-40 * Math.Log(1 - random.NextDouble()) * (orders == 0 ? 3 : 1)));
            var orderValue = 40 * Math.Exp(0.6 * Normal(random));
            var tickets = Poisson(random, 0.5);
            var open = Math.Pow(random.NextDouble(), 2);
            var click = open * random.NextDouble() * 0.3;
            var app = random.NextDouble() < 0.3 ? 0 : Poisson(random, 6);
            var web = Poisson(random, 4);
            var discount = 0.5 * random.NextDouble();
            var returns = 0.4 * Math.Pow(random.NextDouble(), 3);
            var points = random.NextDouble() < 0.05 ? double.NaN : 100 * Math.Exp(Normal(random));
            var age = random.NextDouble() < 0.1 ? double.NaN : 18 + random.Next(0, 60);
            var total = tenure == 0 ? double.NaN : tenure * charges * (0.9 + 0.2 * random.NextDouble());
            numeric[i] = [tenure, charges, total, orders, recency, orderValue, tickets, open, click, app, web, discount, returns, points, age];
            categorical[i] = [plan, channel];
            margins[i] = -0.02 * tenure + 0.0006 * (charges - 65) * (charges - 65) - 0.15 * Math.Min(orders, 6)
                + (recency > 60 ? 1.4 : 0) + 0.002 * recency + 0.6 * Math.Min(tickets, 2) - 1.2 * open
                + (app == 0 ? 0.5 : -0.03 * app) + 1.5 * returns + 0.8 * discount
                + (plan == "monthly" ? 1.0 + 0.04 * Math.Max(0, 24 - tenure) : plan == "yearly" ? 0.2 : -0.6)
                + (channel == "phone" ? 0.3 : 0) + 0.8 * Normal(random);
        }
        var intercept = Intercept(margins, PositiveRate);
        var labels = new bool[rows];
        for (var i = 0; i < rows; i++) labels[i] = random.NextDouble() < Sigmoid(intercept + margins[i]);
        return new TrainingTable(NumericColumns, CategoricalColumns, numeric, categorical, labels);
    }

    /// <summary>The first rows of a table, as a table of their own (the rows are shared, not copied).</summary>
    public static TrainingTable Head(TrainingTable table, int rows)
        => new(table.NumericColumns, table.CategoricalColumns, table.Numeric.Take(rows).ToArray(), table.Categorical.Take(rows).ToArray(), table.Labels.Take(rows).ToArray());

    /// <summary>The intercept whose mean predicted probability is the target rate, by bisection.</summary>
    private static double Intercept(double[] margins, double rate)
    {
        double low = -20, high = 20;
        for (var step = 0; step < 50; step++)
        {
            var mid = (low + high) / 2;
            var mean = margins.Average(m => Sigmoid(mid + m));
            if (mean < rate) low = mid;
            else high = mid;
        }
        return (low + high) / 2;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var count = 0;
        for (var product = random.NextDouble(); product > limit; product *= random.NextDouble()) count++;
        return count;
    }
}
