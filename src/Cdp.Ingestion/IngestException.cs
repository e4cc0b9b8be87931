namespace Cdp.Ingestion;

/// <summary>
/// A user-facing ingestion error: bad configuration, an unreadable file, an incompatible schema. The message names
/// the source, file, line or column and never a row value (values may be personal data).
/// </summary>
public sealed class IngestException : Exception
{
    public IngestException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
