using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

public class CustomerValueTests
{
    private static readonly BgNbdModel Purchases = new(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));
    private static readonly GammaGammaModel Spend = new(new GammaGammaParameters(6.25, 3.74, 15.44));
    private static readonly CustomerSummary Customer = new("c1", 2, 30.43, 38.86, 22.35);

    [Fact]
    public void Undiscounted_value_is_expected_purchases_times_expected_spend()
    {
        var value = CustomerValue.Of(Purchases, Spend, Customer, new CustomerValueOptions(52));
        Assert.Equal(Purchases.ConditionalExpectedPurchases(52, Customer) * Spend.ConditionalExpectedSpend(Customer), value, 1e-12);
        // Steps without discounting telescope to the same total.
        Assert.Equal(value, CustomerValue.Of(Purchases, Spend, Customer, new CustomerValueOptions(52, StepLength: 4.345)), 1e-9);
    }

    [Fact]
    public void Discounting_lowers_value_by_at_most_the_last_step_factor()
    {
        var plain = CustomerValue.Of(Purchases, Spend, Customer, new CustomerValueOptions(52));
        var discounted = CustomerValue.Of(Purchases, Spend, Customer, new CustomerValueOptions(52, StepLength: 52.0 / 12, DiscountRate: 0.01));
        Assert.InRange(discounted, plain / Math.Pow(1.01, 12), plain / 1.01);
    }

    [Fact]
    public void Expected_spend_shrinks_towards_the_population_mean()
    {
        var (p, q, gamma) = (6.25, 3.74, 15.44);
        var population = gamma * p / (q - 1);
        Assert.Equal(population, Spend.ConditionalExpectedSpend(new CustomerSummary("new", 0, 0, 39)), 1e-12);
        // (γ + x z̄) p / (px + q − 1) for x = 2, z̄ = 22.35.
        Assert.Equal((gamma + 2 * 22.35) * p / (2 * p + q - 1), Spend.ConditionalExpectedSpend(Customer), 1e-12);
        var loyal = Spend.ConditionalExpectedSpend(new CustomerSummary("loyal", 50, 38, 39, 22.35));
        Assert.InRange(loyal, 22.35, Spend.ConditionalExpectedSpend(Customer));
    }

    [Fact]
    public void Options_are_checked()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.Of(Purchases, Spend, Customer, new CustomerValueOptions(0)));
}
