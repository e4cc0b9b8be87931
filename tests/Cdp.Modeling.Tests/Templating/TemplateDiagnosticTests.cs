using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Templating;
using static Cdp.Modeling.Tests.Templating.TemplateFixture;

namespace Cdp.Modeling.Tests.Templating;

/// <summary>Each kind of syntax and render error, with its exact location and message.</summary>
public class TemplateDiagnosticTests
{
    [Theory]
    [InlineData("select {{ a \n", "models/m.sql:1:8: error: unexpected end of template: '{{' opened at line 1 is never closed (missing '}}')")]
    [InlineData("{{ a \n{% if x %}y{% endif %}", "models/m.sql:1:1: error: '{{' is never closed (missing '}}' before the next tag)")]
    [InlineData("{{ 1 }}\n{% set x = 1 ", "models/m.sql:2:1: error: unexpected end of template: '{%' opened at line 2 is never closed (missing '%}')")]
    [InlineData("{% if x \nfoo", "models/m.sql:1:1: error: unexpected end of template: '{%' opened at line 1 is never closed (missing '%}')")]
    [InlineData("a\n  {% endfor %}", "models/m.sql:2:6: error: unexpected 'endfor': no 'for' block is open")]
    [InlineData("{% endif %}", "models/m.sql:1:4: error: unexpected 'endif': no 'if' block is open")]
    [InlineData("{% else %}", "models/m.sql:1:4: error: unexpected 'else': no 'if' or 'for' block is open")]
    [InlineData("{% frobnicate x %}", "models/m.sql:1:4: error: unknown statement 'frobnicate'")]
    [InlineData("{{ 1 + }}", "models/m.sql:1:8: error: expected an expression, found '}}'")]
    [InlineData("{{ }}", "models/m.sql:1:4: error: expected an expression between '{{' and '}}'")]
    [InlineData("{{ a b }}", "models/m.sql:1:6: error: expected '}}' after the expression, found 'b'")]
    [InlineData("{{ a $ b }}", "models/m.sql:1:6: error: unexpected character '$'")]
    [InlineData("{{ 'abc }}\n{{ 1 }}", "models/m.sql:1:4: error: unterminated string literal")]
    [InlineData("{{ f(1, 2 }}", "models/m.sql:1:11: error: expected ')' to close the '(' at column 5, found '}}'")]
    [InlineData("{% if a %}x{% else %}y{% elif b %}z{% endif %}", "models/m.sql:1:26: error: unexpected 'elif' after 'else' in the 'if' block")]
    [InlineData("line1\n\n{% if x %}\nbody\n", "models/m.sql:3:4: error: 'if' block opened at line 3 is never closed (missing {% endif %})")]
    [InlineData("{% if a %}{% for x in y %}{% endif %}", "models/m.sql:1:14: error: 'for' block opened at line 1 is never closed (missing {% endfor %})")]
    [InlineData("{% macro m() %}\nx", "models/m.sql:1:4: error: 'macro' block opened at line 1 is never closed (missing {% endmacro %})")]
    [InlineData("{% for x of y %}{% endfor %}", "models/m.sql:1:10: error: expected 'in' after the loop variable, found 'of'")]
    [InlineData("{% endif x %}", "models/m.sql:1:4: error: unexpected 'endif': no 'if' block is open")]
    [InlineData("{% if a %}{% endif x %}", "models/m.sql:1:20: error: unexpected 'x' after 'endif'")]
    [InlineData("{{ x | nope }}", "models/m.sql:1:8: error: unknown filter 'nope'")]
    [InlineData("{{ x is bogus }}", "models/m.sql:1:9: error: unknown test 'bogus'")]
    [InlineData("{# never closed", "models/m.sql:1:1: error: unexpected end of template: the comment is never closed (missing '#}')")]
    [InlineData("{% raw %}x", "models/m.sql:1:4: error: 'raw' block opened at line 1 is never closed (missing {% endraw %})")]
    [InlineData("{{ f(a=1, 2) }}", "models/m.sql:1:11: error: a positional argument cannot follow a keyword argument")]
    [InlineData("{% macro m(a=1, b) %}{% endmacro %}", "models/m.sql:1:17: error: parameter 'b' without a default follows a parameter with one")]
    [InlineData("{{ x %}", "models/m.sql:1:6: error: '{{' must be closed with '}}', not '%}'")]
    public void SyntaxError(string text, string expected) => Assert.Equal([expected], ParseErrors(text));

    [Fact]
    public void ReportsEverySyntaxErrorOfAFile()
    {
        const string text = "select {{ 1 + }}\n{% endfor %}\n{% if x %}{{ y | bogus }}{% endif %}\n";
        Assert.Equal(
            [
                "models/m.sql:1:15: error: expected an expression, found '}}'",
                "models/m.sql:2:4: error: unexpected 'endfor': no 'for' block is open",
                "models/m.sql:3:18: error: unknown filter 'bogus'",
            ],
            ParseErrors(text));
    }

    [Fact]
    public void SyntaxErrorsCarryTheSourceLine()
    {
        var bag = new DiagnosticBag();
        TemplateEngine.Parse("models/a.sql", "select 1\nfrom {{ ref('x' }}\n", bag);
        var d = Assert.Single(bag.Items);
        Assert.Equal("from {{ ref('x' }}", d.SourceLine);
        Assert.Equal("models/a.sql:2:17: error: expected ')' to close the '(' at column 12, found '}}'\n  |\n2 | from {{ ref('x' }}\n  |                 ^", d.ToString());
    }

    [Fact]
    public void ParsingRecoversInsideBlocks()
    {
        const string text = "{% for c in columns %}{{ c | nope }}{% if %}x{% endif %}{% endfor %}{{ 1 + }}";
        Assert.Equal(
            [
                "models/m.sql:1:30: error: unknown filter 'nope'",
                "models/m.sql:1:43: error: expected an expression, found '%}'",
                "models/m.sql:1:76: error: expected an expression, found '}}'",
            ],
            ParseErrors(text));
    }

    [Theory]
    [InlineData("select {{ colums }}", "models/m.sql:1:11: error: unknown name 'colums'")]
    [InlineData("{{ columns() }}", "models/m.sql:1:4: error: 'columns' is not a function or macro (it is a 'list')")]
    [InlineData("{{ nope() }}", "models/m.sql:1:4: error: unknown name 'nope'")]
    [InlineData("{{ model.nope }}", "models/m.sql:1:10: error: 'dict' has no attribute 'nope'")]
    [InlineData("{{ model['nope'] }}", "models/m.sql:1:9: error: 'dict' has no key 'nope'")]
    [InlineData("{{ this.nope }}", "models/m.sql:1:9: error: 'Relation' has no attribute 'nope'")]
    [InlineData("{{ columns[5] }}", "models/m.sql:1:11: error: list index 5 is out of range (length 3)")]
    [InlineData("{{ 'x'.nope() }}", "models/m.sql:1:8: error: 'string' has no attribute 'nope'")]
    [InlineData("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", "models/m.sql:1:34: error: macro 'm' takes 1 argument but 2 were given")]
    [InlineData("{% macro m(a, b) %}{% endmacro %}{{ m(1) }}", "models/m.sql:1:37: error: macro 'm' is missing the argument 'b'")]
    [InlineData("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", "models/m.sql:1:34: error: macro 'm' has no argument named 'b'")]
    [InlineData("{{ 1 / 0 }}", "models/m.sql:1:6: error: division by zero")]
    [InlineData("{{ 5 // 0 }}", "models/m.sql:1:6: error: division by zero")]
    [InlineData("{{ 'a' + 1 }}", "models/m.sql:1:8: error: unsupported operand types for +: 'string' and 'integer'")]
    [InlineData("{{ 'a' < 1 }}", "models/m.sql:1:8: error: '<' is not supported between 'string' and 'integer'")]
    [InlineData("{{ -'a' }}", "models/m.sql:1:4: error: bad operand type for unary -: 'string'")]
    [InlineData("{% for x in 42 %}{% endfor %}", "models/m.sql:1:13: error: 'integer' is not iterable")]
    [InlineData("{{ 42 | length }}", "models/m.sql:1:9: error: a value of type 'integer' has no length")]
    [InlineData("{{ [] | first }}", "models/m.sql:1:9: error: 'first' of an empty sequence")]
    [InlineData("{% for a, b in [1] %}{% endfor %}", "models/m.sql:1:4: error: cannot unpack a 'integer' into 2 names")]
    [InlineData("{% set d = {1: 2} %}", "models/m.sql:1:13: error: dict keys must be strings, not 'integer'")]
    [InlineData("{% do (1, 2).append(3) %}", "models/m.sql:1:14: error: this tuple cannot be changed")]
    [InlineData("{{ crash() }}", "models/m.sql:1:4: error: crash() failed: boom")]
    [InlineData("{% set model.x = 1 %}", "models/m.sql:1:8: error: cannot set attribute 'x' of a 'dict'; only namespace() objects take assignments")]
    [InlineData("{{ return(1) }}", "models/m.sql:1:1: error: return() can only be used inside a macro")]
    [InlineData("{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}", "models/m.sql:1:20: error: macros call each other too deeply (more than 100 levels)")]
    public void RenderError(string text, string expected) => Assert.Equal([expected], RenderErrors(text));

    [Fact]
    public void AnErrorInALoopIsReportedOnce()
    {
        var (output, diagnostics) = Render("{% for c in columns %}[{{ nope }}]{% endfor %}");
        Assert.Equal("[][][]", output);
        Assert.Equal(["models/m.sql:1:27: error: unknown name 'nope'"], Headlines(diagnostics));
    }

    [Fact]
    public void AFailingFunctionIsReportedAtTheCallAndRenderingGoesOn()
    {
        var (output, diagnostics) = Render("a\n  {{ fail('bad') }} after\n{{ 1 + 1 }}\n");
        Assert.Equal("a\n   after\n2\n", output);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("models/m.sql:2:6: error: fail() was called: bad\n  |\n2 |   {{ fail('bad') }} after\n  |      ^", d.ToString());
    }

    [Fact]
    public void ErrorsInAMacroOfAnotherTemplateNameThatTemplate()
    {
        var bag = new DiagnosticBag();
        var globals = Globals();
        globals.AddMacros(TemplateEngine.Parse("macros/bad.sql", "{% macro broken() %}{{ nope }}ok{% endmacro %}", bag));
        var output = TemplateEngine.Parse("models/m.sql", "[{{ broken() }}]", bag).Render(globals, bag);
        Assert.Equal("[ok]", output);
        Assert.Equal(["macros/bad.sql:1:24: error: unknown name 'nope'"], Headlines(bag.Items));
    }

    [Fact]
    public void MacrosOfAnotherTemplateSeeTheCurrentRendersGlobals()
    {
        var bag = new DiagnosticBag();
        var macros = TemplateEngine.Parse("macros/m.sql", "{% macro schema() %}{{ target_schema }}{% endmacro %}", bag);
        var first = Globals();
        first.Set("target_schema", "dev");
        first.AddMacros(macros);
        var second = Globals();
        second.Set("target_schema", "prod");
        second.AddMacros(macros);
        var model = TemplateEngine.Parse("models/m.sql", "{{ schema() }}", bag);
        Assert.Equal("dev", model.Render(first, bag));
        Assert.Equal("prod", model.Render(second, bag));
        Assert.Empty(bag.Items);
        Assert.Equal(["schema"], macros.MacroNames);
    }

    [Fact]
    public void FunctionsGetPositionalAndKeywordArguments()
    {
        var globals = Globals();
        TemplateArguments? seen = null;
        globals.SetFunction("probe", args =>
        {
            seen = args;
            return 7;
        });
        var (output, diagnostics) = Render("{{ probe('a', 2, flag=true) + 1 }}", globals: globals);
        Assert.Empty(diagnostics);
        Assert.Equal("8", output);
        Assert.Equal(["a", 2L], seen!.Positional);
        Assert.Equal(true, seen.Named["flag"]);
    }
}

/// <summary>Whitespace details that golden files cannot show well.</summary>
public class TemplateWhitespaceTests
{
    [Theory]
    [InlineData("x", "x")]
    [InlineData("x\n", "x\n")]
    [InlineData("x\n\n", "x\n\n")]
    [InlineData("{% if true -%}\r\n  a\r\n{%- endif %}\r\n", "a\r\n")]
    [InlineData("{% if true %}\n  a\n{% endif %}\n", "\n  a\n\n")]
    [InlineData("  {%- if true %}a{% endif -%}  \n  b", "ab")]
    [InlineData("{{ '{{' }} {{ \"%}\" }}", "{{ %}")]
    [InlineData("{{ {'a': {'b': 1}} }}", "{'a': {'b': 1}}")]
    public void Renders(string text, string expected)
    {
        var (output, diagnostics) = TemplateFixture.Render(text);
        Assert.Empty(diagnostics);
        Assert.Equal(expected, output);
    }
}

/// <summary>A syntax error is reported once, when parsed, not again when the recovered template renders.</summary>
public class TemplateRecoveryTests
{
    [Theory]
    [InlineData("a{{ 'x' | nope }}b", "ab")]
    [InlineData("a{{ 1 is bogus }}b", "ab")]
    [InlineData("a{% if %}x{% endif %}b", "ab")]
    [InlineData("a{{ 1 + }}b{{ 2 }}", "ab2")]
    public void RendersWhatParsedAndReportsOnlyTheSyntaxError(string text, string expected)
    {
        var (output, diagnostics) = TemplateFixture.Render(text);
        Assert.Equal(expected, output);
        Assert.Single(diagnostics);
    }
}
