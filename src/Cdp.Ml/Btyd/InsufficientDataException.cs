namespace Cdp.Ml.Btyd;

/// <summary>
/// A model was asked to fit on data that cannot identify its parameters: too few customers, or no repeat purchases.
/// The message and the properties carry the numbers found and the numbers needed.
/// </summary>
public sealed class InsufficientDataException : Exception
{
    public InsufficientDataException(string model, int customers, int repeatBuyers, int minimumCustomers, int minimumRepeatBuyers, string message)
        : base(message)
    {
        Model = model;
        Customers = customers;
        RepeatBuyers = repeatBuyers;
        MinimumCustomers = minimumCustomers;
        MinimumRepeatBuyers = minimumRepeatBuyers;
    }

    public InsufficientDataException() : this("unknown", 0, 0, 0, 0, "Insufficient data to fit the model.")
    {
    }

    public InsufficientDataException(string message) : this("unknown", 0, 0, 0, 0, message)
    {
    }

    public InsufficientDataException(string message, Exception innerException) : base(message, innerException)
    {
        Model = "unknown";
    }

    /// <summary>The model that refused to fit: "BG/NBD", "Pareto/NBD" or "Gamma-Gamma".</summary>
    public string Model { get; } = "unknown";

    /// <summary>Customers given to the fit (for Gamma-Gamma: the repeat buyers it can use).</summary>
    public int Customers { get; }

    /// <summary>Customers with at least one repeat purchase.</summary>
    public int RepeatBuyers { get; }

    public int MinimumCustomers { get; }

    public int MinimumRepeatBuyers { get; }
}
