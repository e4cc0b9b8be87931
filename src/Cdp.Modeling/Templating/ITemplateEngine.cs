using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating;

/// <summary>
/// The seam between the modeling engine and its template language (the Jinja subset dbt projects use).
/// Everything else in Cdp.Modeling speaks to templates only through this interface and the types below.
/// </summary>
public interface ITemplateEngine
{
    /// <summary>
    /// Parses a template. Syntax errors are added to <paramref name="diagnostics"/> with the file, line and column;
    /// parsing continues where it can so that every error of a file is reported at once.
    /// </summary>
    /// <param name="path">The path shown in diagnostics (relative to the project root).</param>
    ITemplate Parse(string path, string text, DiagnosticBag diagnostics);
}

/// <summary>A parsed template: a model, a macro file, a test, an analysis.</summary>
public interface ITemplate
{
    string Path { get; }

    /// <summary>The macros defined at the top level of the template, by name.</summary>
    IReadOnlyList<string> MacroNames { get; }

    /// <summary>
    /// Renders the template. Unknown names, failing functions and type errors are diagnostics at the expression's
    /// location; rendering goes on after an error (the failing expression renders as nothing).
    /// </summary>
    string Render(TemplateScope globals, DiagnosticBag diagnostics);
}
