using System.Globalization;
using Cdp.Delta;
using Cdp.Delta.Schema;

namespace Cdp.Engine;

/// <summary>Maps Delta types to DuckDB types and back. Types with no faithful mapping are refused by name.</summary>
public static class TypeMapping
{
    /// <summary>The DuckDB type that holds a Delta type. Delta "timestamp" is an instant (TIMESTAMPTZ, UTC).</summary>
    public static string ToDuckDb(DataType type, string column) => type switch
    {
        PrimitiveType p => p.Name switch
        {
            "string" => "VARCHAR",
            "long" => "BIGINT",
            "integer" => "INTEGER",
            "short" => "SMALLINT",
            "byte" => "TINYINT",
            "float" => "FLOAT",
            "double" => "DOUBLE",
            "boolean" => "BOOLEAN",
            "binary" => "BLOB",
            "date" => "DATE",
            "timestamp" => "TIMESTAMPTZ",
            "timestamp_ntz" => "TIMESTAMP",
            _ => throw new DeltaException(DeltaErrorKind.UnsupportedFeature, $"Column '{column}' has Delta type '{p.Name}', which Cdp.Lakehouse cannot read."),
        },
        DecimalType d => $"DECIMAL({d.Precision},{d.Scale})",
        ArrayType a => ToDuckDb(a.ElementType, column) + "[]",
        MapType m => $"MAP({ToDuckDb(m.KeyType, column)}, {ToDuckDb(m.ValueType, column)})",
        StructType s => "STRUCT(" + string.Join(", ", s.Fields.Select(f => Sql.Identifier(f.Name) + " " + ToDuckDb(f.Type, column + "." + f.Name))) + ")",
        _ => throw new InvalidOperationException($"Bug: unmapped Delta type {type}."),
    };

    /// <summary>The Delta type for a DuckDB type string (as DESCRIBE prints it).</summary>
    public static DataType FromDuckDb(string duckType, string column) => ToDelta(DuckTypeParser.Parse(duckType), column);

    private static DataType ToDelta(DuckType t, string column)
    {
        switch (t.Name)
        {
            case "BOOLEAN": return PrimitiveType.Boolean;
            case "TINYINT": return PrimitiveType.Byte;
            case "SMALLINT" or "UTINYINT": return PrimitiveType.Short;
            case "INTEGER" or "USMALLINT": return PrimitiveType.Integer;
            case "BIGINT" or "UINTEGER": return PrimitiveType.Long;
            case "UBIGINT" or "HUGEINT" or "UHUGEINT": return new DecimalType(38, 0);
            case "FLOAT": return PrimitiveType.Float;
            case "DOUBLE": return PrimitiveType.Double;
            case "DECIMAL": return new DecimalType(t.Args.Count > 0 ? int.Parse(t.Args[0].Name, CultureInfo.InvariantCulture) : 18, t.Args.Count > 1 ? int.Parse(t.Args[1].Name, CultureInfo.InvariantCulture) : 3);
            case "VARCHAR" or "UUID" or "JSON" or "ENUM" or "TIME" or "TIME WITH TIME ZONE" or "BIT" or "\"NULL\"" or "NULL": return PrimitiveType.String;
            case "BLOB": return PrimitiveType.Binary;
            case "DATE": return PrimitiveType.Date;
            case "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMPTZ": return PrimitiveType.Timestamp;
            case "[]": return new ArrayType(ToDelta(t.Args[0], column + ".element"), true);
            case "MAP": return new MapType(ToDelta(t.Args[0], column + ".key"), ToDelta(t.Args[1], column + ".value"), true);
            case "STRUCT":
                return new StructType(t.Args.Select(f => new StructField(f.FieldName!, ToDelta(f, column + "." + f.FieldName), true)).ToList());
            default:
                throw new DeltaException(DeltaErrorKind.SchemaMismatch,
                    $"Column '{column}' has SQL type {t.Name}, which has no Delta equivalent; cast it (for example to VARCHAR) in the query.");
        }
    }

    /// <summary>True when values of <paramref name="from"/> can be stored in a column of <paramref name="to"/> without loss.</summary>
    public static bool CanWiden(DataType from, DataType to)
    {
        if (from == to) return true;
        string[] ints = ["byte", "short", "integer", "long"];
        return (from, to) switch
        {
            (PrimitiveType f, PrimitiveType t) when Array.IndexOf(ints, f.Name) >= 0 && Array.IndexOf(ints, t.Name) >= Array.IndexOf(ints, f.Name) => true,
            (PrimitiveType { Name: "float" }, PrimitiveType { Name: "double" }) => true,
            (PrimitiveType { Name: "byte" or "short" or "integer" or "float" }, PrimitiveType { Name: "double" }) => true,
            (PrimitiveType { Name: "timestamp" or "timestamp_ntz" }, PrimitiveType { Name: "timestamp" }) => true,
            (PrimitiveType { Name: "byte" or "short" or "integer" or "long" } f, DecimalType d) => d.Precision - d.Scale >= IntegerDigits(f.Name),
            (DecimalType a, DecimalType b) => b.Scale >= a.Scale && b.Precision - b.Scale >= a.Precision - a.Scale,
            (ArrayType a, ArrayType b) => CanWiden(a.ElementType, b.ElementType),
            (MapType a, MapType b) => CanWiden(a.KeyType, b.KeyType) && CanWiden(a.ValueType, b.ValueType),
            (StructType a, StructType b) => a.Fields.All(f => b.Find(f.Name) is { } g && CanWiden(f.Type, g.Type)),
            _ => false,
        };
    }

    private static int IntegerDigits(string name) => name switch { "byte" => 3, "short" => 5, "integer" => 10, _ => 19 };
}

/// <summary>A parsed DuckDB type: a name with arguments (struct fields, map key/value, decimal precision, list element).</summary>
internal sealed record DuckType(string Name, IReadOnlyList<DuckType> Args, string? FieldName = null);

/// <summary>Parses DuckDB type strings such as <c>STRUCT("a b" INTEGER, c MAP(VARCHAR, DOUBLE[]))</c>.</summary>
internal sealed class DuckTypeParser
{
    private readonly string _text;
    private int _pos;

    private DuckTypeParser(string text) => _text = text;

    public static DuckType Parse(string text)
    {
        var parser = new DuckTypeParser(text);
        var type = parser.ParseType();
        parser.SkipSpace();
        if (parser._pos != text.Length) throw new FormatException($"Unexpected text at {parser._pos} in SQL type '{text}'.");
        return type;
    }

    private DuckType ParseType()
    {
        SkipSpace();
        var name = ReadWord();
        var upper = name.ToUpperInvariant();
        if (upper is "TIMESTAMP" or "TIME" && LookAhead(" WITH TIME ZONE"))
        {
            _pos += " WITH TIME ZONE".Length;
            upper += " WITH TIME ZONE";
        }
        var args = new List<DuckType>();
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == '(')
        {
            _pos++;
            while (true)
            {
                SkipSpace();
                if (upper == "STRUCT")
                {
                    var field = ReadIdentifier();
                    args.Add(ParseType() with { FieldName = field });
                }
                else if (upper is "ENUM" or "UNION")
                {
                    SkipBalanced();
                    break;
                }
                else
                {
                    args.Add(ParseType());
                }
                SkipSpace();
                if (_text[_pos] == ',') { _pos++; continue; }
                if (_text[_pos] == ')') { _pos++; break; }
                throw new FormatException($"Unexpected '{_text[_pos]}' at {_pos} in SQL type '{_text}'.");
            }
        }
        var type = new DuckType(upper, args);
        while (_pos < _text.Length && _text[_pos] == '[')
        {
            var close = _text.IndexOf(']', _pos);
            _pos = close + 1;
            type = new DuckType("[]", [type]);
        }
        return type;
    }

    private void SkipBalanced()
    {
        var depth = 1;
        var inQuote = false;
        while (_pos < _text.Length && depth > 0)
        {
            var c = _text[_pos++];
            if (c == '\'') inQuote = !inQuote;
            else if (!inQuote && c == '(') depth++;
            else if (!inQuote && c == ')') depth--;
        }
    }

    private bool LookAhead(string s) => string.Compare(_text, _pos, s, 0, s.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private string ReadWord()
    {
        if (_pos < _text.Length && _text[_pos] == '"') return "\"" + ReadIdentifier() + "\"";
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _text[start.._pos];
    }

    private string ReadIdentifier()
    {
        SkipSpace();
        if (_text[_pos] != '"') return ReadWord();
        var sb = new System.Text.StringBuilder();
        _pos++;
        while (true)
        {
            var c = _text[_pos++];
            if (c == '"')
            {
                if (_pos < _text.Length && _text[_pos] == '"') { sb.Append('"'); _pos++; continue; }
                break;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] == ' ') _pos++;
    }
}
