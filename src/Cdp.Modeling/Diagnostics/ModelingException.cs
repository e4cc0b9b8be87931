namespace Cdp.Modeling.Diagnostics;

/// <summary>A project that cannot be loaded, compiled or run; carries every diagnostic found.</summary>
public sealed class ModelingException : Exception
{
    public ModelingException(string message, IReadOnlyList<Diagnostic>? diagnostics = null, Exception? inner = null)
        : base(message, inner)
    {
        Diagnostics = diagnostics ?? [];
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The summary followed by every diagnostic, as printed to users.</summary>
    public string Report()
        => Diagnostics.Count == 0 ? Message : Message + "\n\n" + string.Join("\n\n", Diagnostics.Select(d => d.ToString()));
}
