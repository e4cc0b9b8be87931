namespace Cdp.Ml.Training;

/// <summary>
/// A stream given to <see cref="ChurnModel.Load"/> does not hold a model it can load: not a zip, truncated, another
/// archive, a newer format version, an unreadable ML.NET model or parts that disagree. The message says which.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException() : this("The stream does not hold a loadable model.")
    {
    }

    public ModelFormatException(string message) : base(message)
    {
    }

    public ModelFormatException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
