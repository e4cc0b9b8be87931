namespace Cdp.Storage;

/// <summary>An object that was expected to exist does not.</summary>
public sealed class ObjectNotFoundException : IOException
{
    public ObjectNotFoundException(string location, string key)
        : base($"Object '{key}' does not exist in '{location}'.")
    {
        Key = key;
    }

    public string Key { get; }
}
