namespace Cdp.Modeling.Diagnostics;

/// <summary>Collects every diagnostic of a load or compile so that all of them are reported at once. Thread-safe.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<Diagnostic> Items
    {
        get
        {
            lock (_lock) return _items.ToList();
        }
    }

    public bool HasErrors
    {
        get
        {
            lock (_lock) return _items.Exists(d => d.Severity == DiagnosticSeverity.Error);
        }
    }

    public int ErrorCount
    {
        get
        {
            lock (_lock) return _items.Count(d => d.Severity == DiagnosticSeverity.Error);
        }
    }

    public void Add(Diagnostic diagnostic)
    {
        lock (_lock) _items.Add(diagnostic);
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        lock (_lock) _items.AddRange(diagnostics);
    }

    public void Error(string message, SourceLocation? location = null, string? sourceLine = null) => Add(Diagnostic.Error(message, location, sourceLine));

    public void Warning(string message, SourceLocation? location = null, string? sourceLine = null) => Add(Diagnostic.Warning(message, location, sourceLine));

    /// <summary>Throws a <see cref="ModelingException"/> carrying every diagnostic when any is an error.</summary>
    public void ThrowIfErrors(string summary)
    {
        if (HasErrors) throw new ModelingException(summary, Items);
    }
}
