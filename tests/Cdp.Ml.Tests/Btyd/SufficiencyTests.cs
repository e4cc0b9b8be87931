using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

public class SufficiencyTests
{
    private static List<CustomerSummary> Customers(int count, int repeatBuyers)
        => Enumerable.Range(0, count)
            .Select(i => i < repeatBuyers ? new CustomerSummary($"c{i}", 1 + i % 3, 10 + i % 20, 39, 20 + i % 7) : new CustomerSummary($"c{i}", 0, 0, 39))
            .ToList();

    [Fact]
    public void Too_few_customers_are_refused_with_the_numbers()
    {
        var error = Assert.Throws<InsufficientDataException>(() => BgNbdModel.FitTo(Customers(5, 2)));
        Assert.Equal("BG/NBD cannot be fitted on 5 customers (2 with repeat purchases): it needs at least 30 customers. Widen the calibration period or the customer selection.", error.Message);
        Assert.Equal((5, 2, 30), (error.Customers, error.RepeatBuyers, error.MinimumCustomers));
    }

    [Fact]
    public void No_repeat_purchases_are_refused_with_the_reason()
    {
        var error = Assert.Throws<InsufficientDataException>(() => ParetoNbdModel.FitTo(Customers(200, 0)));
        Assert.Equal("Pareto/NBD cannot be fitted: only 0 of 200 customers made a repeat purchase and it needs at least 10. " +
            "With no repeat purchases the purchase and drop-out rates cannot be told apart. " +
            "Lengthen the calibration period so more customers have a second purchase.", error.Message);
        Assert.Equal("Pareto/NBD", error.Model);
    }

    [Fact]
    public void Too_few_repeat_buyers_are_refused_by_every_model()
    {
        var few = Customers(200, 4);
        Assert.Contains("only 4 of 200 customers made a repeat purchase", Assert.Throws<InsufficientDataException>(() => BgNbdModel.FitTo(few)).Message);
        var spend = Assert.Throws<InsufficientDataException>(() => GammaGammaModel.FitTo(few));
        Assert.StartsWith("Gamma-Gamma cannot be fitted: only 4 of 200 customers made a repeat purchase and it needs at least 10.", spend.Message);
    }

    [Fact]
    public void Thresholds_are_options()
    {
        var model = BgNbdModel.FitTo(Customers(40, 5), new FitOptions(MinimumCustomers: 10, MinimumRepeatBuyers: 5));
        Assert.Equal(40, model.Fit!.Customers);
        Assert.Equal(5, model.Fit.RepeatBuyers);
    }

    [Theory]
    [InlineData(2, 40.0, 39.0, "the recency t_x is outside [0, T]")]
    [InlineData(0, 3.0, 39.0, "a customer with no repeat purchase has t_x ≠ 0")]
    [InlineData(-1, 0.0, 39.0, "the frequency x is negative")]
    [InlineData(1, 0.0, 0.0, "the age T is not a positive number")]
    public void Invalid_summaries_are_refused_naming_the_customer(int x, double tx, double age, string problem)
    {
        var customers = Customers(50, 20);
        customers.Add(new CustomerSummary("bad \"one\"", x, tx, age));
        var error = Assert.Throws<ArgumentException>(() => BgNbdModel.FitTo(customers));
        Assert.Contains("Customer 'bad \"one\"' has an invalid summary", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void GammaGamma_refuses_a_repeat_buyer_without_spend()
    {
        var customers = Customers(50, 20);
        customers.Add(new CustomerSummary("free", 2, 10, 39, 0));
        Assert.Contains("a repeat buyer's mean spend z̄ is not a positive number",
            Assert.Throws<ArgumentException>(() => GammaGammaModel.FitTo(customers)).Message);
    }

    [Fact]
    public void Parameters_must_be_positive()
        => Assert.Contains("alpha = -1", Assert.Throws<ArgumentException>(() => new BgNbdModel(new BgNbdParameters(1, -1, 1, 1))).Message);
}
