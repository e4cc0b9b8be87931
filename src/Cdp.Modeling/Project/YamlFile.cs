using Cdp.Modeling.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Cdp.Modeling.Project;

/// <summary>
/// One YAML file of the project parsed into <see cref="YamlNode"/>s, with helpers that report problems as
/// diagnostics at a node's line and column (with the offending source line). Only the first document is read.
/// A syntax error is reported and leaves <see cref="Root"/> null; a duplicate key is reported and the first one kept.
/// </summary>
internal sealed class YamlFile
{
    private readonly DiagnosticBag _diagnostics;

    private YamlFile(string path, string text, DiagnosticBag diagnostics)
    {
        Path = path;
        Text = text;
        _diagnostics = diagnostics;
    }

    /// <summary>Relative to the project root, with '/'.</summary>
    public string Path { get; }

    public string Text { get; }

    /// <summary>The document's root node; null for an empty file or when it could not be parsed.</summary>
    public YamlNode? Root { get; private set; }

    /// <summary>True when the file could not be parsed (the error is already reported).</summary>
    public bool HasSyntaxError { get; private set; }

    public static YamlFile Parse(string path, string text, DiagnosticBag diagnostics)
    {
        var file = new YamlFile(path, text, diagnostics);
        file.Root = new Builder(file).Build();
        return file;
    }

    public SourceLocation Location(YamlNode node) => new(Path, node.Line, node.Column);

    public SourceLocation Location(long line, long column) => new(Path, (int)line, (int)column);

    public void Error(YamlNode node, string message) => Error(node.Line, node.Column, message);

    public void Error(long line, long column, string message)
        => _diagnostics.Add(Diagnostic.Error(message, Location(line, column)).WithSourceFrom(Text));

    public void Warning(YamlNode node, string message)
        => _diagnostics.Add(Diagnostic.Warning(message, Location(node)).WithSourceFrom(Text));

    /// <summary>The node as a mapping, or null after reporting an error when it is something else.</summary>
    public YamlMapping? ExpectMapping(YamlNode node, string what)
    {
        if (node is YamlMapping mapping) return mapping;
        Error(node, $"{what} must be a mapping, not {node.Describe()}");
        return null;
    }

    /// <summary>The node as a list, or null after reporting an error. A null scalar (<c>key:</c>) is an empty list.</summary>
    public YamlSequence? ExpectList(YamlNode node, string what)
    {
        if (node is YamlSequence sequence) return sequence;
        if (IsNull(node)) return new YamlSequence(node.Line, node.Column, []);
        Error(node, $"{what} must be a list, not {node.Describe()}");
        return null;
    }

    /// <summary>A scalar's text (numbers and booleans as written), or null after reporting an error; null for a null scalar.</summary>
    public string? ExpectString(YamlNode node, string what)
    {
        if (node is YamlScalar scalar) return YamlValues.ToValue(scalar) is null ? null : scalar.Text;
        Error(node, $"{what} must be a string, not {node.Describe()}");
        return null;
    }

    /// <summary>A list of strings; a single string is a one-item list.</summary>
    public List<string>? ExpectStringList(YamlNode node, string what)
    {
        if (node is YamlScalar) return ExpectString(node, what) is { } single ? [single] : [];
        if (ExpectList(node, what) is not { } list) return null;
        var result = new List<string>();
        foreach (var item in list.Items)
        {
            if (ExpectString(item, what + " item") is { } s) result.Add(s);
        }
        return result;
    }

    public static bool IsNull(YamlNode node) => node is YamlScalar scalar && YamlValues.ToValue(scalar) is null;

    /// <summary>Builds the node tree from YamlDotNet's parser events, which carry 1-based marks.</summary>
    private sealed class Builder(YamlFile file)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<ParsingEvent> _open = new();
        private IParser? _parser;
        private Mark _last = Mark.Empty;
        private bool _consumed;

        public YamlNode? Build()
        {
            _parser = new Parser(new StringReader(file.Text));
            try
            {
                Expect<StreamStart>();
                if (Peek() is StreamEnd) return null;
                Expect<DocumentStart>();
                if (Peek() is DocumentEnd) return null;
                return ReadNode();
            }
            catch (YamlException e)
            {
                file.HasSyntaxError = true;
                ReportSyntaxError(e);
            }
            catch (InvalidOperationException)
            {
                file.HasSyntaxError = true;
                // YamlDotNet's scanner fails this way on an unclosed flow collection at the end of the input.
                if (!ReportUnclosedFlow()) file.Error(_last.Line, _last.Column, "invalid YAML");
            }
            return null;
        }

        /// <summary>Reports the innermost open flow collection as not closed; false when there is none.</summary>
        private bool ReportUnclosedFlow()
        {
            var flow = _open.FirstOrDefault(IsFlowCollection);
            if (flow is null) return false;
            file.Error(flow.Start.Line, flow.Start.Column, $"'{(flow is SequenceStart ? '[' : '{')}' is not closed");
            return true;
        }

        private static bool IsFlowCollection(ParsingEvent e)
            => e is SequenceStart { Style: SequenceStyle.Flow } || e is MappingStart { Style: MappingStyle.Flow };

        private void ReportSyntaxError(YamlException e)
        {
            if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindIndentationTab(e.Start.Line) is var (line, column))
            {
                file.Error(line, column, "tab character in indentation (YAML indents with spaces)");
                return;
            }
            // The parser notices an unclosed '[' or '{' only where the input ends or the next key starts.
            var atEnd = e.Start.Index >= file.Text.TrimEnd().Length;
            if ((atEnd || e.Message.Contains("flow", StringComparison.OrdinalIgnoreCase)) && ReportUnclosedFlow()) return;
            var start = e.Start.Line >= 1 ? e.Start : _last;
            file.Error(start.Line, start.Column, "invalid YAML: " + LowerFirst(e.Message.TrimEnd('.')));
        }

        private (long Line, long Column)? FindIndentationTab(long fromLine)
        {
            var lines = file.Text.Split('\n');
            for (var i = (int)Math.Max(0, fromLine - 1); i < lines.Length; i++)
            {
                for (var c = 0; c < lines[i].Length && lines[i][c] is ' ' or '\t'; c++)
                {
                    if (lines[i][c] == '\t') return (i + 1, c + 1);
                }
            }
            return null;
        }

        private static string LowerFirst(string s) => s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;

        private ParsingEvent Peek()
        {
            // Move on lazily, so that an error in the next event surfaces after the current one is on the stack.
            if (_parser!.Current is null || _consumed)
            {
                if (!_parser.MoveNext()) throw new YamlException("unexpected end of input");
                _consumed = false;
            }
            return _parser.Current!;
        }

        private T Expect<T>() where T : ParsingEvent
        {
            var current = Peek();
            if (current is not T typed) throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            _last = current.Start;
            _consumed = true;
            return typed;
        }

        private YamlNode ReadNode()
        {
            var current = Peek();
            switch (current)
            {
                case AnchorAlias alias:
                    Expect<AnchorAlias>();
                    if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                    throw new YamlException(alias.Start, alias.End, $"unknown anchor '{alias.Value.Value}'");
                case Scalar scalar:
                    Expect<Scalar>();
                    var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
                    var node = new YamlScalar(Line(scalar), Column(scalar), scalar.Value, scalar.Style == ScalarStyle.Plain && tag is null, tag);
                    return Anchor(scalar, node);
                case SequenceStart start:
                    return Anchor(start, ReadSequence());
                case MappingStart start:
                    return Anchor(start, ReadMapping());
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private YamlNode Anchor(NodeEvent e, YamlNode node)
        {
            if (!e.Anchor.IsEmpty) _anchors[e.Anchor.Value] = node;
            return node;
        }

        private YamlSequence ReadSequence()
        {
            var start = Expect<SequenceStart>();
            _open.Push(start);
            var items = new List<YamlNode>();
            while (Peek() is not SequenceEnd) items.Add(ReadNode());
            Expect<SequenceEnd>();
            _open.Pop();
            return new YamlSequence(Line(start), Column(start), items);
        }

        private YamlMapping ReadMapping()
        {
            var start = Expect<MappingStart>();
            _open.Push(start);
            var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
            var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
            var merged = new List<YamlNode>();
            while (Peek() is not MappingEnd)
            {
                var keyNode = ReadNode();
                var value = ReadNode();
                if (keyNode is not YamlScalar key)
                {
                    file.Error(keyNode, "a mapping key must be a string");
                    continue;
                }
                if (key.IsPlain && key.Text == "<<")
                {
                    merged.Add(value);
                    continue;
                }
                if (seen.TryGetValue(key.Text, out var first))
                {
                    file.Error(key, $"duplicate key '{key.Text}' (first at line {first.Line})");
                    continue;
                }
                seen[key.Text] = key;
                entries.Add(new(key, value));
            }
            Expect<MappingEnd>();
            _open.Pop();
            // YAML merge keys (<<: *defaults): keys written in the mapping win over merged ones.
            foreach (var source in merged.SelectMany(m => m is YamlSequence s ? s.Items : [m]))
            {
                if (source is not YamlMapping map)
                {
                    file.Error(source, "'<<' must merge a mapping");
                    continue;
                }
                foreach (var entry in map.Entries)
                {
                    if (seen.TryAdd(entry.Key.Text, entry.Key)) entries.Add(entry);
                }
            }
            return new YamlMapping(Line(start), Column(start), entries);
        }

        private static int Line(ParsingEvent e) => (int)e.Start.Line;

        private static int Column(ParsingEvent e) => (int)e.Start.Column;
    }
}
