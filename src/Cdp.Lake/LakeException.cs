namespace Cdp.Lake;

/// <summary>A user-facing error of a lake operation (bad input file, unknown table, bad option).</summary>
public sealed class LakeException : Exception
{
    public LakeException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
