using System.Globalization;

namespace Cdp.Ml.Btyd;

/// <summary>The user-facing errors of the BTYD models, built in one place: what is wrong, with which customer or numbers, and how to fix it.</summary>
internal static class BtydErrors
{
    public static InsufficientDataException TooFewCustomers(string model, int customers, int repeatBuyers, FitOptions options)
        => new(model, customers, repeatBuyers, options.MinimumCustomers, options.MinimumRepeatBuyers,
            Text($"{model} cannot be fitted on {customers} customers ({repeatBuyers} with repeat purchases): it needs at least {options.MinimumCustomers} customers. ")
            + "Widen the calibration period or the customer selection.");

    public static InsufficientDataException TooFewRepeatBuyers(string model, int customers, int repeatBuyers, FitOptions options)
        => new(model, customers, repeatBuyers, options.MinimumCustomers, options.MinimumRepeatBuyers,
            Text($"{model} cannot be fitted: only {repeatBuyers} of {customers} customers made a repeat purchase and it needs at least {Math.Max(1, options.MinimumRepeatBuyers)}. ")
            + (repeatBuyers == 0
                ? "With no repeat purchases the purchase and drop-out rates cannot be told apart. "
                : "Too few repeat buyers leave the parameters unidentified. ")
            + "Lengthen the calibration period so more customers have a second purchase.");

    public static ArgumentException InvalidCustomer(CustomerSummary customer, string problem)
        => new(Text($"Customer '{customer.CustomerId}' has an invalid summary (x={customer.Frequency}, t_x={customer.Recency}, T={customer.Age}, z̄={customer.MonetaryValue}): {problem}. ")
            + "Summaries need 0 ≤ t_x ≤ T, T > 0, t_x = 0 when x = 0, and a positive mean spend for repeat buyers.", "customers");

    public static ArgumentException InvalidParameters(string model, string detail)
        => new(Text($"{model} parameters must all be finite and positive: {detail}."), "parameters");

    public static ArgumentException MissingColumn(string role, string name, IEnumerable<string> available)
        => new(Text($"The transactions relation has no {role} column '{name}'; its columns are: {string.Join(", ", available)}. ")
            + "Name the columns with TransactionColumns.", "transactionsSql");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
