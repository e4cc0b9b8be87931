using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Templating.Jinja;

namespace Cdp.Modeling.Templating;

/// <summary>
/// The template engine for dbt-style projects: the subset of Jinja that dbt projects use, with Jinja's default
/// whitespace handling (no trim_blocks, no lstrip_blocks, the template's trailing newline kept) and strict names
/// (an unknown name is an error, except in <c>is defined</c> tests and the <c>default</c> filter).
/// </summary>
/// <remarks>
/// Templates are parsed once into a syntax tree; a render walks the tree. Syntax errors are reported all at once
/// with their location; rendering reports errors and goes on, the failing statement rendering nothing.
/// </remarks>
public sealed class JinjaTemplateEngine : ITemplateEngine
{
    public ITemplate Parse(string path, string text, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var source = new SourceText(path, text);
        var lexer = new Lexer(source, diagnostics);
        var tokens = lexer.Tokenize();
        var nodes = new Parser(source, tokens, lexer.BrokenTags, diagnostics).ParseTemplate();
        return new JinjaTemplate(source, nodes);
    }
}
