using Cdp.Engine;
using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

public class CustomerSummaryBuilderTests
{
    // Customer a: two orders on day one (one purchase day), repeats on 8 and 15 January, one after the cutoff.
    // Customer b: one purchase. Customer c: first buys after the cutoff, so is not in the summary.
    private const string Transactions = """"
        SELECT * FROM (VALUES
            ('a', TIMESTAMP '2024-01-01 09:00', 10.0),
            ('a', TIMESTAMP '2024-01-01 18:30', 5.0),
            ('a', TIMESTAMP '2024-01-08 12:00', 20.0),
            ('a', TIMESTAMP '2024-01-15 12:00', 30.0),
            ('a', TIMESTAMP '2024-02-01 12:00', 100.0),
            ('b', TIMESTAMP '2024-01-10 08:00', 7.5),
            ('c', TIMESTAMP '2024-02-02 08:00', 1.0)
        ) AS t("who's", "when ""bought""", amount)
        """";

    private static readonly TransactionColumns Columns = new("who's", "when \"bought\"", "amount");

    [Fact]
    public async Task Counts_purchase_days_and_measures_from_the_first_purchase()
    {
        await using var engine = new DuckDbEngine();
        var summary = await CustomerSummaryBuilder.BuildAsync(engine, Transactions, new SummaryOptions(new DateOnly(2024, 1, 29), SummaryUnit.Weeks, Columns));
        Assert.Equal(
            [new CustomerSummary("a", 2, 2, 4, 25), new CustomerSummary("b", 0, 0, 19.0 / 7, 0)],
            summary);
    }

    [Fact]
    public async Task Days_are_a_unit_and_the_calibration_end_is_inclusive()
    {
        await using var engine = new DuckDbEngine();
        var summary = await CustomerSummaryBuilder.BuildAsync(engine, Transactions, new SummaryOptions(new DateOnly(2024, 2, 1), SummaryUnit.Days, Columns));
        Assert.Equal(new CustomerSummary("a", 3, 31, 31, 50), summary[0]);
        Assert.Equal(2, summary.Count);
    }

    [Fact]
    public async Task Without_an_amount_column_monetary_values_are_zero()
    {
        await using var engine = new DuckDbEngine();
        var summary = await CustomerSummaryBuilder.BuildAsync(engine, Transactions,
            new SummaryOptions(new DateOnly(2024, 1, 29), SummaryUnit.Weeks, Columns with { Amount = null }));
        Assert.All(summary, c => Assert.Equal(0, c.MonetaryValue));
    }

    [Fact]
    public async Task A_missing_column_is_named_with_the_columns_there_are()
    {
        await using var engine = new DuckDbEngine();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => CustomerSummaryBuilder.BuildAsync(engine, Transactions, new SummaryOptions(new DateOnly(2024, 1, 29))));
        Assert.StartsWith("The transactions relation has no customer column 'customer_id'; its columns are: who's, when \"bought\", amount. Name the columns with TransactionColumns.", error.Message);
    }
}
