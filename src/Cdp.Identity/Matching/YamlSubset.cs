namespace Cdp.Identity.Matching;

/// <summary>A node of a settings document, with the line it starts on (1-based) for error messages.</summary>
internal abstract record SettingsNode(int Line);

internal sealed record SettingsScalar(string? Value, int Line) : SettingsNode(Line);

internal sealed record SettingsSequence(IReadOnlyList<SettingsNode> Items, int Line) : SettingsNode(Line);

internal sealed record SettingsMapping(IReadOnlyList<(string Key, SettingsNode Value, int Line)> Entries, int Line) : SettingsNode(Line);

/// <summary>
/// Reads the block subset of YAML that match settings need: mappings (<c>key: value</c>), sequences (<c>- item</c>,
/// including <c>- key: value</c> items that open a mapping), plain and quoted scalars, and <c># comments</c>.
/// Anchors, flow collections, multi-line scalars and tags are refused with the line, not guessed at. Keeping this
/// small and in-house keeps Cdp.Identity free of a YAML package (architecture rule: one project per dependency).
/// </summary>
internal sealed class YamlSubset
{
    private readonly string _source;
    private readonly List<(int Number, int Indent, string Text)> _lines = [];
    private int _at;

    private YamlSubset(string source, string text)
    {
        _source = source;
        var raw = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < raw.Length; i++)
        {
            var line = raw[i];
            if (line.TrimStart(' ').StartsWith('\t')) throw Error(i + 1, "tabs cannot indent YAML; use spaces");
            var content = StripComment(line).TrimEnd();
            if (content.Trim().Length == 0) continue;
            if (content.Trim() is "---" or "...") continue;
            var indent = content.Length - content.TrimStart(' ').Length;
            _lines.Add((i + 1, indent, content[indent..]));
        }
    }

    /// <summary>The document's root node (an empty mapping for an empty document).</summary>
    public static SettingsNode Parse(string text, string source)
    {
        var reader = new YamlSubset(source, text);
        if (reader._lines.Count == 0) return new SettingsMapping([], 1);
        var root = reader.Node(reader._lines[0].Indent);
        if (reader._at < reader._lines.Count) throw reader.Error(reader._lines[reader._at].Number, "this line is indented less than its block, or is a second document root");
        return root;
    }

    private SettingsNode Node(int indent)
    {
        var (number, lineIndent, text) = _lines[_at];
        if (lineIndent != indent) throw Error(number, "unexpected indentation");
        return IsSequenceItem(text) ? Sequence(indent) : Mapping(indent);
    }

    private SettingsSequence Sequence(int indent)
    {
        var items = new List<SettingsNode>();
        var first = _lines[_at].Number;
        while (_at < _lines.Count && _lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text))
        {
            var (number, _, text) = _lines[_at];
            var rest = text.Length == 1 ? "" : text[2..];
            var restIndent = indent + 2 + (rest.Length - rest.TrimStart(' ').Length);
            rest = rest.Trim();
            if (rest.Length == 0)
            {
                _at++;
                items.Add(_at < _lines.Count && _lines[_at].Indent > indent ? Node(_lines[_at].Indent) : new SettingsScalar(null, number));
            }
            else if (SplitKey(rest, number) is not null)
            {
                // "- key: value" opens a mapping whose keys line up with "key".
                _lines[_at] = (number, restIndent, rest);
                items.Add(Mapping(restIndent));
            }
            else
            {
                items.Add(Scalar(rest, number));
                _at++;
            }
        }
        return new SettingsSequence(items, first);
    }

    private SettingsMapping Mapping(int indent)
    {
        var entries = new List<(string, SettingsNode, int)>();
        var first = _lines[_at].Number;
        while (_at < _lines.Count && _lines[_at].Indent == indent)
        {
            var (number, _, text) = _lines[_at];
            if (IsSequenceItem(text)) throw Error(number, "a list item where a 'key: value' entry was expected");
            var (key, value) = SplitKey(text, number) ?? throw Error(number, $"expected 'key: value', found '{text}'");
            if (entries.Any(e => e.Item1 == key)) throw Error(number, $"'{key}' is given twice");
            _at++;
            if (value.Length > 0)
            {
                entries.Add((key, Scalar(value, number), number));
                continue;
            }
            // A block under the key: deeper lines, or a sequence at the key's own indentation (YAML allows both).
            var hasBlock = _at < _lines.Count
                && (_lines[_at].Indent > indent || (_lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text)));
            entries.Add((key, hasBlock ? Node(_lines[_at].Indent) : new SettingsScalar(null, number), number));
        }
        if (_at < _lines.Count && _lines[_at].Indent > indent) throw Error(_lines[_at].Number, "unexpected indentation");
        return new SettingsMapping(entries, first);
    }

    private SettingsScalar Scalar(string text, int number)
    {
        if (text[0] is '[' or '{' or '&' or '*' or '!' or '|' or '>')
            throw Error(number, $"'{text}': flow collections, anchors, tags and block scalars are not supported; write the value plainly or in quotes");
        if (text[0] is '"' or '\'')
        {
            var quote = text[0];
            if (text.Length < 2 || text[^1] != quote) throw Error(number, $"unterminated quoted value {text}");
            var inner = text[1..^1];
            return new SettingsScalar(quote == '\'' ? inner.Replace("''", "'", StringComparison.Ordinal) : Unescape(inner, number), number);
        }
        return new SettingsScalar(text is "~" or "null" ? null : text, number);
    }

    private string Unescape(string inner, int number)
    {
        var sb = new System.Text.StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] != '\\') { sb.Append(inner[i]); continue; }
            if (++i == inner.Length) throw Error(number, "a quoted value ends with a lone backslash");
            sb.Append(inner[i] switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', _ => throw Error(number, $"unsupported escape \\{inner[i]}") });
        }
        return sb.ToString();
    }

    /// <summary>Splits <c>key: value</c> at the first ": " (or a trailing ':') outside quotes; null when the text is not an entry.</summary>
    private (string Key, string Value)? SplitKey(string text, int number)
    {
        if (text[0] is '"' or '\'')
        {
            var close = text.IndexOf(text[0], 1);
            if (close < 0) throw Error(number, $"unterminated quoted key {text}");
            var after = text[(close + 1)..];
            if (!after.StartsWith(':')) return null;
            return (text[1..close], after[1..].Trim());
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != ':') continue;
            if (i == text.Length - 1) return (text[..i].Trim(), "");
            if (text[i + 1] == ' ') return (text[..i].Trim(), text[(i + 1)..].Trim());
        }
        return null;
    }

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    /// <summary>The line without a trailing comment: a '#' at the start or after a space, outside quotes.</summary>
    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (c is '"' or '\'' && (i == 0 || line[i - 1] is ' ' or ':' or '-')) quote = c;
            else if (c == '#' && (i == 0 || line[i - 1] == ' ')) return line[..i];
        }
        return line;
    }

    private MatchException Error(int line, string problem) => MatchErrors.Settings(_source, line, problem);
}
