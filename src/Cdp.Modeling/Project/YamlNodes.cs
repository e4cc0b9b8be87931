namespace Cdp.Modeling.Project;

/// <summary>A node of a parsed YAML document with the 1-based line and column where it starts.</summary>
internal abstract class YamlNode(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>What the node is, for messages: "a string", "a number", "a list", "a mapping".</summary>
    public abstract string Describe();
}

/// <summary>A scalar as written: its text, whether it was plain (unquoted, untagged) and its explicit tag if any.</summary>
internal sealed class YamlScalar(int line, int column, string text, bool isPlain, string? tag) : YamlNode(line, column)
{
    public string Text { get; } = text;

    public bool IsPlain { get; } = isPlain;

    public string? Tag { get; } = tag;

    public override string Describe() => YamlValues.ToValue(this) switch
    {
        null => "null",
        bool => "a boolean",
        long or double => "a number",
        _ => "a string",
    };
}

internal sealed class YamlSequence(int line, int column, IReadOnlyList<YamlNode> items) : YamlNode(line, column)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;

    public override string Describe() => "a list";
}

/// <summary>A mapping with scalar keys, in document order. Keys are unique (duplicates are reported while parsing).</summary>
internal sealed class YamlMapping(int line, int column, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries) : YamlNode(line, column)
{
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;

    public override string Describe() => "a mapping";

    public YamlNode? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (string.Equals(k.Text, key, StringComparison.Ordinal)) return v;
            }
            return null;
        }
    }

    public bool ContainsKey(string key) => this[key] is not null;
}
