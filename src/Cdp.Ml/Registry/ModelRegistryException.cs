namespace Cdp.Ml.Registry;

/// <summary>
/// The model registry cannot do what was asked: an unknown model or version (the message lists what exists), an
/// artifact whose bytes no longer match their recorded SHA-256, a malformed row, or a registration that kept losing
/// the race for its version number.
/// </summary>
public sealed class ModelRegistryException : Exception
{
    public ModelRegistryException() : this("The model registry cannot do what was asked.")
    {
    }

    public ModelRegistryException(string message) : base(message)
    {
    }

    public ModelRegistryException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
