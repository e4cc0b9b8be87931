using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>
/// Builds the syntax tree from the token stream. A syntax error is reported and parsing resumes at the end of the
/// offending tag, so every error of a file is reported in one pass; open blocks are tracked so that a missing end
/// tag is reported once, at the block that is never closed.
/// </summary>
internal sealed partial class Parser
{
    private static readonly Dictionary<string, string[]> BlockTags = new(StringComparer.Ordinal)
    {
        ["if"] = ["elif", "else", "endif"],
        ["for"] = ["else", "endfor"],
        ["set"] = ["endset"],
        ["macro"] = ["endmacro"],
        ["call"] = ["endcall"],
        ["filter"] = ["endfilter"],
    };

    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens;
    private readonly List<string> _openBlocks = [];
    private int _pos;

    private readonly List<(int Start, int End)> _brokenTags;

    public Parser(SourceText source, List<Token> tokens, List<(int Start, int End)> brokenTags, DiagnosticBag diagnostics)
    {
        _brokenTags = brokenTags;
        _source = source;
        _tokens = tokens;
        _diagnostics = diagnostics;
    }

    public IReadOnlyList<Node> ParseTemplate()
    {
        var body = new List<Node>();
        while (true)
        {
            body.AddRange(ParseBody());
            if (Current.Kind == TokenKind.EndOfTemplate) return body;
            // A middle or end tag that belongs to no open block.
            var name = Peek(1);
            ReportStrayTag(name);
            SkipTag();
        }
    }

    private Token Current => _tokens[_pos];

    private Token Peek(int ahead) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    private Token Advance() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    private void Error(int offset, string message)
    {
        if (offset < 0 || _brokenTags.Exists(t => offset >= t.Start && offset <= t.End)) return;
        _diagnostics.Add(_source.Error(offset, message));
    }

    /// <summary>A syntax error at a token; silent when the token is one the lexer already reported.</summary>
    private static ParseException Fail(Token at, string message) => new(at.Kind == TokenKind.Error ? -1 : at.Offset, message);

    /// <summary>Parses nodes until end of template or a tag that some open block accepts (left unconsumed).</summary>
    private List<Node> ParseBody()
    {
        var body = new List<Node>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.EndOfTemplate:
                    return body;
                case TokenKind.Data:
                    body.Add(new TextNode(token.Offset, token.Text));
                    Advance();
                    break;
                case TokenKind.VariableBegin:
                    if (ParseOutput() is { } output) body.Add(output);
                    break;
                case TokenKind.BlockBegin:
                    var name = Peek(1);
                    if (name.Kind == TokenKind.Name && IsAcceptedByOpenBlock(name.Text)) return body;
                    if (ParseStatement() is { } statement) body.Add(statement);
                    break;
                default:
                    // Stray tokens after a tag that was recovered from; skip them.
                    Advance();
                    break;
            }
        }
    }

    private bool IsAcceptedByOpenBlock(string tag)
    {
        foreach (var block in _openBlocks)
        {
            if (Array.IndexOf(BlockTags[block], tag) >= 0) return true;
        }
        return false;
    }

    private static bool IsMiddleOrEndTag(string tag) => BlockTags.Values.Any(tags => Array.IndexOf(tags, tag) >= 0);

    private void ReportStrayTag(Token name)
    {
        if (name.Kind != TokenKind.Name) return;
        var openers = BlockTags.Where(kv => Array.IndexOf(kv.Value, name.Text) >= 0).Select(kv => $"'{kv.Key}'").ToList();
        Error(name.Offset, $"unexpected '{name.Text}': no {string.Join(" or ", openers)} block is open");
    }

    private OutputNode? ParseOutput()
    {
        var begin = Advance();
        try
        {
            if (Current.Kind == TokenKind.VariableEnd) throw Fail(Current, "expected an expression between '{{' and '}}'");
            var expression = ParseTuple(withCondition: true);
            ExpectTagEnd(TokenKind.VariableEnd, "the expression");
            return new OutputNode(begin.Offset, expression);
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
            return null;
        }
    }

    private Node? ParseStatement()
    {
        Advance(); // {%
        var name = Current;
        if (name.Kind != TokenKind.Name)
        {
            Error(name.Offset, $"expected a statement name after '{{%', found {name.Describe()}");
            SkipTag();
            return null;
        }
        Advance();
        try
        {
            switch (name.Text)
            {
                case "if": return ParseIf(name);
                case "for": return ParseFor(name);
                case "set": return ParseSet(name);
                case "macro": return ParseMacro(name);
                case "call": return ParseCallBlock(name);
                case "do": return ParseDo(name);
                case "filter": return ParseFilterBlock(name);
                default:
                    if (IsMiddleOrEndTag(name.Text)) ReportStrayTag(name);
                    else Error(name.Offset, $"unknown statement '{name.Text}'");
                    SkipTag();
                    return null;
            }
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
            return null;
        }
    }

    /// <summary>Skips to just after the end of the current tag (or to the next text or tag when it has none).</summary>
    private void SkipTag()
    {
        while (true)
        {
            var kind = Current.Kind;
            if (kind is TokenKind.VariableEnd or TokenKind.BlockEnd)
            {
                Advance();
                return;
            }
            if (kind is TokenKind.EndOfTemplate or TokenKind.Data or TokenKind.VariableBegin or TokenKind.BlockBegin) return;
            Advance();
        }
    }

    private void ExpectTagEnd(TokenKind kind, string what)
    {
        if (Current.Kind == kind)
        {
            Advance();
            return;
        }
        var close = kind == TokenKind.VariableEnd ? "'}}'" : "'%}'";
        throw Fail(Current, $"expected {close} after {what}, found {Current.Describe()}");
    }

    /// <summary>
    /// Reports a header error without giving up on the block: the rest of the tag is skipped and the body is
    /// still parsed so that its end tag matches.
    /// </summary>
    private Expr HeaderExpression(Func<Expr> parse, string what)
    {
        try
        {
            var expr = parse();
            ExpectTagEnd(TokenKind.BlockEnd, what);
            return expr;
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
            return new ErrorExpr(e.Offset);
        }
    }

    /// <summary>Parses a block's body up to one of its tags; returns the tag's name token, or null when never closed.</summary>
    private (List<Node> Body, Token? Tag) ParseBlockBody(string block)
    {
        _openBlocks.Add(block);
        var body = ParseBody();
        _openBlocks.RemoveAt(_openBlocks.Count - 1);
        var name = Peek(1);
        if (Current.Kind == TokenKind.BlockBegin && name.Kind == TokenKind.Name && Array.IndexOf(BlockTags[block], name.Text) >= 0)
        {
            Advance();
            Advance();
            return (body, name);
        }
        return (body, null);
    }

    private void ReportUnclosed(Token opener, string endTag)
        => Error(opener.Offset, $"'{opener.Text}' block opened at line {_source.LineOf(opener.Offset)} is never closed (missing {{% {endTag} %}})");

    /// <summary>Finishes an end tag (<c>endif</c> and the like), which takes no arguments.</summary>
    private void FinishEndTag(Token tag)
    {
        if (Current.Kind == TokenKind.BlockEnd)
        {
            Advance();
            return;
        }
        Error(Current.Offset, $"unexpected {Current.Describe()} after '{tag.Text}'");
        SkipTag();
    }

    private IfNode ParseIf(Token opener)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        List<Node>? elseBody = null;
        var condition = HeaderExpression(() => ParseTuple(withCondition: true), "the 'if' condition");
        while (true)
        {
            var (body, tag) = ParseBlockBody("if");
            if (elseBody is null) branches.Add((condition, body));
            else elseBody.AddRange(body);
            if (tag is not { } t)
            {
                ReportUnclosed(opener, "endif");
                break;
            }
            if (t.Text == "endif")
            {
                FinishEndTag(t);
                break;
            }
            if (t.Text == "elif")
            {
                if (elseBody is not null) Error(t.Offset, "unexpected 'elif' after 'else' in the 'if' block");
                condition = HeaderExpression(() => ParseTuple(withCondition: true), "the 'elif' condition");
                continue;
            }
            // else
            if (elseBody is not null) Error(t.Offset, "unexpected second 'else' in the 'if' block");
            FinishEndTag(t);
            elseBody ??= [];
        }
        return new IfNode(opener.Offset, branches, elseBody);
    }

    private ForNode ParseFor(Token opener)
    {
        var targets = new List<string>();
        Expr iterable;
        Expr? filter = null;
        try
        {
            var parenthesized = Current.IsOperator("(");
            if (parenthesized) Advance();
            do
            {
                var target = Current;
                if (target.Kind != TokenKind.Name) throw Fail(target, $"expected a loop variable name, found {target.Describe()}");
                targets.Add(target.Text);
                Advance();
            }
            while (Current.IsOperator(",") && Advance().Kind == TokenKind.Operator);
            if (parenthesized) Expect(")");
            if (!Current.IsName("in")) throw Fail(Current, $"expected 'in' after the loop variable, found {Current.Describe()}");
            Advance();
            iterable = ParseTuple(withCondition: false);
            if (Current.IsName("if"))
            {
                Advance();
                filter = ParseExpression(withCondition: false);
            }
            if (Current.IsName("recursive")) throw Fail(Current, "recursive loops are not supported");
            ExpectTagEnd(TokenKind.BlockEnd, "the 'for' header");
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
            iterable = new ErrorExpr(e.Offset);
        }

        var (body, tag) = ParseBlockBody("for");
        List<Node>? elseBody = null;
        if (tag is { Text: "else" } elseTag)
        {
            FinishEndTag(elseTag);
            (elseBody, tag) = ParseBlockBody("for");
            if (tag is { Text: "else" } second)
            {
                Error(second.Offset, "unexpected second 'else' in the 'for' block");
                SkipTag();
                var (more, next) = ParseBlockBody("for");
                elseBody.AddRange(more);
                tag = next;
            }
        }
        if (tag is { } end) FinishEndTag(end);
        else ReportUnclosed(opener, "endfor");
        return new ForNode(opener.Offset, targets, iterable, filter, body, elseBody);
    }

    private Node? ParseSet(Token opener)
    {
        var targets = new List<SetTarget>();
        do
        {
            var name = Current;
            if (name.Kind != TokenKind.Name) throw Fail(name, $"expected a variable name after 'set', found {name.Describe()}");
            Advance();
            string? attribute = null;
            if (Current.IsOperator("."))
            {
                Advance();
                if (Current.Kind != TokenKind.Name) throw Fail(Current, $"expected an attribute name, found {Current.Describe()}");
                attribute = Advance().Text;
            }
            targets.Add(new SetTarget(name.Offset, name.Text, attribute));
        }
        while (Current.IsOperator(",") && Advance().Kind == TokenKind.Operator);

        if (Current.IsOperator("="))
        {
            Advance();
            var value = ParseTuple(withCondition: true);
            ExpectTagEnd(TokenKind.BlockEnd, "the 'set' value");
            return new SetNode(opener.Offset, targets, value);
        }
        if (targets.Count != 1) throw Fail(Current, "a block 'set' assigns exactly one name");
        ExpectTagEnd(TokenKind.BlockEnd, "the variable name (or '=' and a value)");
        var (body, tag) = ParseBlockBody("set");
        if (tag is { } end) FinishEndTag(end);
        else ReportUnclosed(opener, "endset");
        return new BlockSetNode(opener.Offset, targets[0], body);
    }

    private List<Parameter> ParseParameters()
    {
        var parameters = new List<Parameter>();
        Expect("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0) Expect(",");
            if (Current.IsOperator(")")) break;
            var name = Current;
            if (name.Kind != TokenKind.Name) throw Fail(name, $"expected a parameter name, found {name.Describe()}");
            Advance();
            Expr? fallback = null;
            if (Current.IsOperator("="))
            {
                Advance();
                fallback = ParseExpression(withCondition: true);
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Fail(name, $"parameter '{name.Text}' without a default follows a parameter with one");
            }
            parameters.Add(new Parameter(name.Text, fallback));
        }
        Advance();
        return parameters;
    }

    private MacroNode ParseMacro(Token opener)
    {
        string name = "";
        List<Parameter> parameters = [];
        try
        {
            var nameToken = Current;
            if (nameToken.Kind != TokenKind.Name) throw Fail(nameToken, $"expected a macro name, found {nameToken.Describe()}");
            name = nameToken.Text;
            Advance();
            parameters = ParseParameters();
            ExpectTagEnd(TokenKind.BlockEnd, "the macro's parameters");
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
        }
        var (body, tag) = ParseBlockBody("macro");
        if (tag is { } end)
        {
            // {% endmacro name %} is tolerated.
            if (Current.Kind == TokenKind.Name && Current.Text == name) Advance();
            FinishEndTag(end);
        }
        else
        {
            ReportUnclosed(opener, "endmacro");
        }
        return new MacroNode(opener.Offset, name, parameters, body);
    }

    private CallBlockNode? ParseCallBlock(Token opener)
    {
        CallExpr? call = null;
        List<Parameter> parameters = [];
        try
        {
            if (Current.IsOperator("(")) parameters = ParseParameters();
            var expr = ParseExpression(withCondition: false);
            if (expr is not CallExpr c) throw Fail(_tokens[_pos > 0 ? _pos - 1 : 0], "'call' needs a macro call, like {% call my_macro() %}");
            call = c;
            ExpectTagEnd(TokenKind.BlockEnd, "the call");
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
        }
        var (body, tag) = ParseBlockBody("call");
        if (tag is { } end) FinishEndTag(end);
        else ReportUnclosed(opener, "endcall");
        return call is null ? null : new CallBlockNode(opener.Offset, call, new MacroNode(opener.Offset, "caller", parameters, body));
    }

    private DoNode ParseDo(Token opener)
    {
        var expr = ParseTuple(withCondition: true);
        ExpectTagEnd(TokenKind.BlockEnd, "the 'do' expression");
        return new DoNode(opener.Offset, expr);
    }

    private FilterBlockNode? ParseFilterBlock(Token opener)
    {
        var filters = new List<FilterExpr>();
        try
        {
            filters.Add(ParseFilter(null));
            while (Current.IsOperator("|"))
            {
                Advance();
                filters.Add(ParseFilter(null));
            }
            ExpectTagEnd(TokenKind.BlockEnd, "the filter");
        }
        catch (ParseException e)
        {
            Error(e.Offset, e.Message);
            SkipTag();
            filters.Clear();
        }
        var (body, tag) = ParseBlockBody("filter");
        if (tag is { } end) FinishEndTag(end);
        else ReportUnclosed(opener, "endfilter");
        return filters.Count == 0 ? null : new FilterBlockNode(opener.Offset, filters, body);
    }
}

/// <summary>A syntax error inside a tag; caught at the tag, reported, and parsing resumes after the tag.</summary>
internal sealed class ParseException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
