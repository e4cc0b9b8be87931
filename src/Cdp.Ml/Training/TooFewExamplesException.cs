namespace Cdp.Ml.Training;

/// <summary>
/// A classifier was asked to train on too few examples of one class to cross-validate it. The message and the
/// properties carry the numbers found and the numbers needed.
/// </summary>
public sealed class TooFewExamplesException : Exception
{
    public TooFewExamplesException(int positives, int negatives, int minimumPositives, int minimumNegatives, string message)
        : base(message)
    {
        Positives = positives;
        Negatives = negatives;
        MinimumPositives = minimumPositives;
        MinimumNegatives = minimumNegatives;
    }

    public TooFewExamplesException() : this(0, 0, 0, 0, "Too few examples to train the model.")
    {
    }

    public TooFewExamplesException(string message) : this(0, 0, 0, 0, message)
    {
    }

    public TooFewExamplesException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int Positives { get; }
    public int Negatives { get; }
    public int MinimumPositives { get; }
    public int MinimumNegatives { get; }
}
