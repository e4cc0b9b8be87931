using System.Globalization;
using System.Text;
using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>
/// Splits a template into text and tag tokens, applying whitespace control (<c>{{-</c>, <c>-%}</c>, ...), dropping
/// comments and passing <c>{% raw %}</c> blocks through verbatim. Every opening tag gets a closing token, synthesized
/// when the tag is never closed, so that the parser can always recover at the end of a tag.
/// </summary>
internal sealed class Lexer(SourceText source, DiagnosticBag diagnostics)
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly string _text = source.Text;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _tagStart;
    private bool _stripNextData;

    /// <summary>Tags with a lexical error (start and end offsets); the parser reports nothing more inside them.</summary>
    public List<(int Start, int End)> BrokenTags { get; } = [];

    public List<Token> Tokenize()
    {
        while (_pos < _text.Length)
        {
            var start = NextTagStart(_pos);
            AddData(_text[_pos..start]);
            _pos = start;
            if (start >= _text.Length) break;

            var kind = _text[start + 1];
            var inner = start + 2;
            if (inner < _text.Length && _text[inner] == '-')
            {
                TrimLastData();
                inner++;
            }
            else if (inner < _text.Length && _text[inner] == '+' && kind == '%')
            {
                inner++;
            }

            switch (kind)
            {
                case '#':
                    LexComment(start, inner);
                    break;
                case '{':
                    LexTag(TokenKind.VariableBegin, TokenKind.VariableEnd, "{{", "}}", start, inner);
                    break;
                default:
                    if (!TryLexRaw(start, inner)) LexTag(TokenKind.BlockBegin, TokenKind.BlockEnd, "{%", "%}", start, inner);
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.EndOfTemplate, "", _text.Length));
        return _tokens;
    }

    private int NextTagStart(int from)
    {
        var i = from;
        while (true)
        {
            i = _text.IndexOf('{', i);
            if (i < 0 || i + 1 >= _text.Length) return _text.Length;
            var next = _text[i + 1];
            if (next is '{' or '%' or '#') return i;
            i++;
        }
    }

    private void AddData(string text)
    {
        if (_stripNextData)
        {
            text = text.TrimStart();
            _stripNextData = false;
        }
        if (text.Length > 0) _tokens.Add(new Token(TokenKind.Data, text, _pos));
    }

    private void TrimLastData()
    {
        if (_tokens.Count == 0 || _tokens[^1].Kind != TokenKind.Data) return;
        var last = _tokens[^1];
        var trimmed = last.Text.TrimEnd();
        if (trimmed.Length == 0) _tokens.RemoveAt(_tokens.Count - 1);
        else _tokens[^1] = last with { Text = trimmed };
    }

    private void Error(int offset, string message) => diagnostics.Add(source.Error(offset, message));

    private void LexComment(int start, int inner)
    {
        var end = _text.IndexOf("#}", inner, StringComparison.Ordinal);
        if (end < 0)
        {
            Error(start, "unexpected end of template: the comment is never closed (missing '#}')");
            _pos = _text.Length;
            return;
        }
        if (end > inner && _text[end - 1] == '-') _stripNextData = true;
        _pos = end + 2;
    }

    /// <summary>Recognizes <c>{% raw %}</c> and emits everything up to <c>{% endraw %}</c> as text.</summary>
    private bool TryLexRaw(int start, int inner)
    {
        var i = SkipSpaces(inner);
        if (!MatchWord(i, "raw")) return false;
        i = SkipSpaces(i + 3);
        var stripContentStart = false;
        if (i < _text.Length && _text[i] == '-')
        {
            stripContentStart = true;
            i++;
        }
        if (!At(i, "%}")) return false;
        var contentStart = i + 2;

        var search = contentStart;
        while (true)
        {
            var tag = _text.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                Error(SkipSpaces(inner),
                    $"'raw' block opened at line {source.LineOf(start)} is never closed (missing {{% endraw %}})");
                _pos = _text.Length;
                return true;
            }
            var j = tag + 2;
            var stripContentEnd = j < _text.Length && _text[j] == '-';
            if (stripContentEnd) j++;
            j = SkipSpaces(j);
            if (MatchWord(j, "endraw"))
            {
                j = SkipSpaces(j + 6);
                var stripAfter = j < _text.Length && _text[j] == '-';
                if (stripAfter) j++;
                if (At(j, "%}"))
                {
                    var content = _text[contentStart..tag];
                    if (stripContentStart) content = content.TrimStart();
                    if (stripContentEnd) content = content.TrimEnd();
                    _stripNextData = false;
                    if (content.Length > 0) _tokens.Add(new Token(TokenKind.Data, content, contentStart));
                    _stripNextData = stripAfter;
                    _pos = j + 2;
                    return true;
                }
            }
            search = tag + 2;
        }
    }

    private void LexTag(TokenKind beginKind, TokenKind endKind, string open, string close, int start, int inner)
    {
        _tokens.Add(new Token(beginKind, open, start));
        _tagStart = start;
        _pos = inner;
        var depth = 0;
        while (true)
        {
            _pos = SkipSpaces(_pos);
            if (_pos >= _text.Length)
            {
                Error(start, $"unexpected end of template: '{open}' opened at line {source.LineOf(start)} is never closed (missing '{close}')");
                BrokenTags.Add((start, _pos));
                _tokens.Add(new Token(endKind, close, _pos));
                return;
            }
            // '}}' may also close nested dict literals; '%}' always ends the tag.
            var closes = depth == 0 || endKind == TokenKind.BlockEnd;
            if (closes && _text[_pos] == '-' && At(_pos + 1, close))
            {
                _tokens.Add(new Token(endKind, close, _pos));
                _pos += 3;
                _stripNextData = true;
                return;
            }
            if (closes && (At(_pos, close) || (endKind == TokenKind.BlockEnd && At(_pos, "+%}"))))
            {
                _tokens.Add(new Token(endKind, close, _pos));
                _pos += _text[_pos] == '+' ? 3 : 2;
                return;
            }
            if (At(_pos, "{{") || At(_pos, "{%") || At(_pos, "{#"))
            {
                Error(start, $"'{open}' is never closed (missing '{close}' before the next tag)");
                BrokenTags.Add((start, _pos));
                _tokens.Add(new Token(endKind, close, _pos));
                return;
            }
            var otherClose = close == "}}" ? "%}" : "}}";
            if (depth == 0 && At(_pos, otherClose))
            {
                Error(_pos, $"'{open}' must be closed with '{close}', not '{otherClose}'");
                _tokens.Add(new Token(endKind, close, _pos));
                _pos += 2;
                return;
            }
            if (!LexExpressionToken(ref depth))
            {
                _tokens.Add(new Token(endKind, close, _pos));
                return;
            }
        }
    }

    /// <summary>Reads one token; false when the rest of the tag cannot be read (an unterminated string).</summary>
    private bool LexExpressionToken(ref int depth)
    {
        var c = _text[_pos];
        var start = _pos;
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            _tokens.Add(new Token(TokenKind.Name, _text[start.._pos], start));
            return true;
        }
        if (char.IsAsciiDigit(c))
        {
            LexNumber();
            return true;
        }
        if (c is '\'' or '"') return LexString(c);
        foreach (var op in Operators)
        {
            if (!At(_pos, op)) continue;
            if (op == "{") depth++;
            else if (op == "}") depth = Math.Max(0, depth - 1);
            _tokens.Add(new Token(TokenKind.Operator, op, _pos));
            _pos += op.Length;
            return true;
        }
        Error(_pos, $"unexpected character '{c}'");
        BrokenTags.Add((_tagStart, _pos + 1));
        _tokens.Add(new Token(TokenKind.Error, c.ToString(), _pos));
        _pos++;
        return true;
    }

    private void LexNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        var isFloat = false;
        if (_pos + 1 < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(_text[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        }
        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            var j = _pos + 1;
            if (j < _text.Length && _text[j] is '+' or '-') j++;
            if (j < _text.Length && char.IsAsciiDigit(_text[j]))
            {
                isFloat = true;
                _pos = j;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
            }
        }
        var text = _text[start.._pos];
        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (!isFloat && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
        {
            _tokens.Add(new Token(TokenKind.Integer, text, start, l));
        }
        else
        {
            _tokens.Add(new Token(TokenKind.Float, text, start, double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
    }

    private bool LexString(char quote)
    {
        var start = _pos;
        var sb = new StringBuilder();
        var i = _pos + 1;
        while (i < _text.Length && _text[i] != quote)
        {
            var c = _text[i];
            if (c == '\\' && i + 1 < _text.Length)
            {
                i++;
                switch (_text[i])
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '\\' or '\'' or '"': sb.Append(_text[i]); break;
                    default: sb.Append('\\').Append(_text[i]); break;
                }
            }
            else
            {
                sb.Append(c);
            }
            i++;
        }
        if (i >= _text.Length)
        {
            // Assume the string (and its tag) ends with the line, and go on from there.
            Error(start, "unterminated string literal");
            var lineEnd = _text.IndexOf('\n', start);
            _pos = lineEnd < 0 ? _text.Length : lineEnd;
            BrokenTags.Add((_tagStart, _pos));
            _tokens.Add(new Token(TokenKind.Error, _text[start.._pos], start));
            return false;
        }
        _pos = i + 1;
        _tokens.Add(new Token(TokenKind.String, _text[start.._pos], start, sb.ToString()));
        return true;
    }

    private int SkipSpaces(int i)
    {
        while (i < _text.Length && char.IsWhiteSpace(_text[i])) i++;
        return i;
    }

    private bool At(int i, string s) => i >= 0 && i + s.Length <= _text.Length && string.CompareOrdinal(_text, i, s, 0, s.Length) == 0;

    private bool MatchWord(int i, string word)
        => At(i, word) && (i + word.Length >= _text.Length || !(char.IsAsciiLetterOrDigit(_text[i + word.Length]) || _text[i + word.Length] == '_'));
}
