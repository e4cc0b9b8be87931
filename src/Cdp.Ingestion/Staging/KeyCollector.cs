using System.Text;
using System.Text.Json;

namespace Cdp.Ingestion.Staging;

/// <summary>The kinds of JSON value a top-level key was seen with (see <see cref="KeyCollector"/>).</summary>
[Flags]
internal enum JsonKinds : byte
{
    None = 0,
    Null = 1,
    Bool = 2,

    /// <summary>A number without a fraction or exponent.</summary>
    Integer = 4,

    /// <summary>A number with a fraction or exponent.</summary>
    Fraction = 8,
    String = 16,
    Object = 32,
    Array = 64,

    /// <summary>A number with a fraction or exponent somewhere inside the key's object or array.</summary>
    NestedFraction = 128,
}

/// <summary>
/// The top-level keys of the objects seen, in first-seen order, with the kinds of value each was seen with, so a key
/// or a value DuckDB's type sample did not see is noticed (a fraction where the sample had only whole numbers is
/// rounded by DuckDB, not refused). Lines of one file mostly list the same keys in the same order, so each key is
/// first compared with the one seen at its position last time, without allocating; kinds are kept by position too.
/// </summary>
internal sealed class KeyCollector
{
    private readonly List<byte[]> _byPosition = [];
    private readonly List<string> _nameByPosition = [];
    private readonly List<JsonKinds> _kindsByPosition = [];
    private readonly Dictionary<string, JsonKinds> _kinds = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    /// <summary>The keys in first-seen order with every kind of value seen for each.</summary>
    public IReadOnlyList<(string Name, JsonKinds Kinds)> Seen()
    {
        for (var p = 0; p < _byPosition.Count; p++) Flush(p);
        return _names.Select(n => (n, _kinds[n])).ToList();
    }

    /// <summary>Records an unescaped property name; false when it is reserved.</summary>
    public bool TryAdd(ReadOnlySpan<byte> name, int position)
    {
        if (position < _byPosition.Count && name.SequenceEqual(_byPosition[position])) return true;
        var text = Encoding.UTF8.GetString(name);
        if (Lineage.IsReserved(text)) return false;
        Remember(text, name.ToArray(), position);
        return true;
    }

    /// <summary>Records the property name under the reader; returns it when it is reserved.</summary>
    public string? Add(ref Utf8JsonReader reader, int position)
    {
        if (!reader.ValueIsEscaped && position < _byPosition.Count && reader.ValueSpan.SequenceEqual(_byPosition[position])) return null;
        var name = reader.GetString()!;
        if (Lineage.IsReserved(name)) return name;
        Remember(name, Encoding.UTF8.GetBytes(name), position);
        return null;
    }

    /// <summary>Adds a kind of value for the key last added at <paramref name="position"/>.</summary>
    public void Mark(int position, JsonKinds kind) => _kindsByPosition[position] |= kind;

    private void Remember(string name, byte[] bytes, int position)
    {
        if (_kinds.TryAdd(name, JsonKinds.None)) _names.Add(name);
        if (position < _byPosition.Count)
        {
            Flush(position);
            _byPosition[position] = bytes;
            _nameByPosition[position] = name;
        }
        else
        {
            // Keys are added in position order, so a new position is the next one.
            _byPosition.Add(bytes);
            _nameByPosition.Add(name);
            _kindsByPosition.Add(JsonKinds.None);
        }
    }

    private void Flush(int position)
    {
        _kinds[_nameByPosition[position]] |= _kindsByPosition[position];
        _kindsByPosition[position] = JsonKinds.None;
    }
}
