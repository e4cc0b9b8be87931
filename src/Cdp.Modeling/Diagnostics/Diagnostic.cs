using System.Globalization;
using System.Text;

namespace Cdp.Modeling.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>A position in a project file: path relative to the project root, 1-based line and column.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}");
}

/// <summary>
/// One problem found while loading or compiling a project, printed the way compilers print them:
/// <c>models/a.sql:3:14: error: unknown name 'colums'</c>, then the offending line and a caret under the column.
/// </summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Message, SourceLocation? Location = null, string? SourceLine = null)
{
    public static Diagnostic Error(string message, SourceLocation? location = null, string? sourceLine = null)
        => new(DiagnosticSeverity.Error, message, location, sourceLine);

    public static Diagnostic Warning(string message, SourceLocation? location = null, string? sourceLine = null)
        => new(DiagnosticSeverity.Warning, message, location, sourceLine);

    /// <summary>The diagnostic with the text of its line taken from <paramref name="text"/> (the file's content).</summary>
    public Diagnostic WithSourceFrom(string text)
    {
        if (Location is null || SourceLine is not null) return this;
        var lines = text.Split('\n');
        return Location.Line >= 1 && Location.Line <= lines.Length ? this with { SourceLine = lines[Location.Line - 1].TrimEnd('\r') } : this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Location is not null) sb.Append(Location).Append(": ");
        sb.Append(Severity == DiagnosticSeverity.Error ? "error: " : "warning: ").Append(Message);
        if (SourceLine is not null && Location is not null)
        {
            var gutter = Location.Line.ToString(CultureInfo.InvariantCulture);
            sb.Append('\n').Append(' ', gutter.Length + 1).Append('|');
            sb.Append('\n').Append(gutter).Append(" | ").Append(SourceLine.Replace('\t', ' '));
            sb.Append('\n').Append(' ', gutter.Length + 1).Append("| ").Append(' ', Math.Max(0, Location.Column - 1)).Append('^');
        }
        return sb.ToString();
    }
}
