using System.Globalization;
using Cdp.Engine;

namespace Cdp.Ml.Btyd;

/// <summary>The time unit of frequency/recency/age summaries: the models' parameters are per unit.</summary>
public enum SummaryUnit
{
    Days = 1,
    Weeks = 7,
}

/// <summary>The columns of a transactions relation: who bought, when (a DATE or TIMESTAMP), and for how much.</summary>
/// <param name="Amount">The spend column; null when there is none (monetary values are then 0).</param>
public sealed record TransactionColumns(string Customer = "customer_id", string PurchasedAt = "purchased_at", string? Amount = "amount");

/// <summary>What summary to build.</summary>
/// <param name="CalibrationEnd">The last day observed (inclusive): later purchases are ignored, and T runs to this day.</param>
/// <param name="Unit">The unit of t_x and T.</param>
/// <param name="Columns">Column names in the transactions relation; <see cref="TransactionColumns"/> defaults when null.</param>
public sealed record SummaryOptions(DateOnly CalibrationEnd, SummaryUnit Unit = SummaryUnit.Weeks, TransactionColumns? Columns = null);

/// <summary>
/// Builds <see cref="CustomerSummary"/> rows from a transactions relation with SQL on the engine, in the CDNOW
/// convention of Fader, Hardie &amp; Lee: purchases are counted per calendar day (several orders on one day are one
/// purchase, their amounts summed); x is the number of purchase days after the first; t_x and T are days from the first
/// purchase day to the last one and to the calibration end, divided by the unit; z̄ is the mean amount of the repeat
/// purchase days. Customers whose first purchase is after the calibration end are not in the result.
/// </summary>
public static class CustomerSummaryBuilder
{
    /// <summary>
    /// The summary query over <paramref name="transactionsSql"/> (any SELECT, or a table or view name in parentheses),
    /// as named steps: <c>purchases</c> (in the calibration period), <c>purchase_days</c>, <c>customer_days</c>, then
    /// the summary ordered by customer. Runnable on its own for inspection.
    /// </summary>
    public static string Sql(string transactionsSql, SummaryOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionsSql);
        ArgumentNullException.ThrowIfNull(options);
        var columns = options.Columns ?? new TransactionColumns();
        var end = Cdp.Engine.Sql.Literal(options.CalibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var unit = ((int)options.Unit).ToString(CultureInfo.InvariantCulture) + ".0";
        var amount = columns.Amount is null ? "0.0" : $"CAST({Cdp.Engine.Sql.Identifier(columns.Amount)} AS DOUBLE)";
        return $"""
            WITH purchases AS (
                SELECT CAST({Cdp.Engine.Sql.Identifier(columns.Customer)} AS VARCHAR) AS customer_id,
                       CAST({Cdp.Engine.Sql.Identifier(columns.PurchasedAt)} AS DATE) AS purchase_day,
                       {amount} AS amount
                FROM ({transactionsSql}) AS transactions
                WHERE CAST({Cdp.Engine.Sql.Identifier(columns.PurchasedAt)} AS DATE) <= DATE {end}
                  AND {Cdp.Engine.Sql.Identifier(columns.Customer)} IS NOT NULL
            ),
            purchase_days AS (
                SELECT customer_id, purchase_day, sum(amount) AS amount
                FROM purchases
                GROUP BY customer_id, purchase_day
            ),
            customer_days AS (
                SELECT *, min(purchase_day) OVER (PARTITION BY customer_id) AS first_day
                FROM purchase_days
            )
            SELECT customer_id,
                   CAST(count(*) - 1 AS INTEGER) AS frequency,
                   date_diff('day', min(purchase_day), max(purchase_day)) / {unit} AS recency,
                   date_diff('day', min(purchase_day), DATE {end}) / {unit} AS age,
                   coalesce(avg(amount) FILTER (WHERE purchase_day > first_day), 0.0) AS monetary_value
            FROM customer_days
            GROUP BY customer_id
            ORDER BY customer_id
            """;
    }

    /// <summary>
    /// Runs <see cref="Sql"/> on the engine and reads the summaries. A column missing from the relation is an
    /// <see cref="ArgumentException"/> naming it and the columns there are.
    /// </summary>
    public static async Task<IReadOnlyList<CustomerSummary>> BuildAsync(
        DuckDbEngine engine, string transactionsSql, SummaryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var query = Sql(transactionsSql, options);
        var columns = options.Columns ?? new TransactionColumns();
        var available = await engine.DescribeAsync(transactionsSql, cancellationToken).ConfigureAwait(false);
        foreach (var (role, name) in new[] { ("customer", columns.Customer), ("purchase time", columns.PurchasedAt), ("amount", columns.Amount) })
        {
            // DuckDB resolves unquoted and quoted names case-insensitively.
            if (name is not null && !available.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw BtydErrors.MissingColumn(role, name, available.Select(c => c.Name));
        }
        var result = await engine.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return result.Rows
            .Select(row => new CustomerSummary(
                (string)row[0]!,
                Convert.ToInt32(row[1], CultureInfo.InvariantCulture),
                Convert.ToDouble(row[2], CultureInfo.InvariantCulture),
                Convert.ToDouble(row[3], CultureInfo.InvariantCulture),
                Convert.ToDouble(row[4] ?? 0.0, CultureInfo.InvariantCulture)))
            .ToList();
    }
}
