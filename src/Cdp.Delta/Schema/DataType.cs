using System.Text.Json.Nodes;

namespace Cdp.Delta.Schema;

/// <summary>A Delta (Spark) data type as it appears in a table's schemaString.</summary>
public abstract record DataType
{
    public abstract JsonNode ToJson();
}

/// <summary>string, long, integer, short, byte, float, double, boolean, binary, date, timestamp, timestamp_ntz.</summary>
public sealed record PrimitiveType(string Name) : DataType
{
    public static readonly PrimitiveType String = new("string");
    public static readonly PrimitiveType Long = new("long");
    public static readonly PrimitiveType Integer = new("integer");
    public static readonly PrimitiveType Short = new("short");
    public static readonly PrimitiveType Byte = new("byte");
    public static readonly PrimitiveType Float = new("float");
    public static readonly PrimitiveType Double = new("double");
    public static readonly PrimitiveType Boolean = new("boolean");
    public static readonly PrimitiveType Binary = new("binary");
    public static readonly PrimitiveType Date = new("date");
    public static readonly PrimitiveType Timestamp = new("timestamp");
    public static readonly PrimitiveType TimestampNtz = new("timestamp_ntz");

    public static readonly IReadOnlySet<string> Names = new HashSet<string>
    {
        "string", "long", "integer", "short", "byte", "float", "double", "boolean", "binary", "date", "timestamp", "timestamp_ntz",
    };

    public override JsonNode ToJson() => JsonValue.Create(Name);
}

public sealed record DecimalType(int Precision, int Scale) : DataType
{
    public override JsonNode ToJson() => JsonValue.Create($"decimal({Precision},{Scale})");
}

public sealed record ArrayType(DataType ElementType, bool ContainsNull) : DataType
{
    public override JsonNode ToJson() => new JsonObject
    {
        ["type"] = "array",
        ["elementType"] = ElementType.ToJson(),
        ["containsNull"] = ContainsNull,
    };
}

public sealed record MapType(DataType KeyType, DataType ValueType, bool ValueContainsNull) : DataType
{
    public override JsonNode ToJson() => new JsonObject
    {
        ["type"] = "map",
        ["keyType"] = KeyType.ToJson(),
        ["valueType"] = ValueType.ToJson(),
        ["valueContainsNull"] = ValueContainsNull,
    };
}

public sealed record StructField(string Name, DataType Type, bool Nullable, JsonObject? Metadata = null)
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["type"] = Type.ToJson(),
        ["nullable"] = Nullable,
        ["metadata"] = Metadata?.DeepClone() ?? new JsonObject(),
    };
}

public sealed record StructType(IReadOnlyList<StructField> Fields) : DataType
{
    public override JsonNode ToJson() => new JsonObject
    {
        ["type"] = "struct",
        ["fields"] = new JsonArray(Fields.Select(f => (JsonNode)f.ToJson()).ToArray()),
    };

    /// <summary>Finds a field by name: exact match first, then case-insensitive (Spark resolves names case-insensitively).</summary>
    public StructField? Find(string name)
        => Fields.FirstOrDefault(f => f.Name == name) ?? Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool Equals(StructType? other) => other is not null && Fields.SequenceEqual(other.Fields, FieldComparer.Instance);

    public override int GetHashCode() => Fields.Count;

    private sealed class FieldComparer : IEqualityComparer<StructField>
    {
        public static readonly FieldComparer Instance = new();

        public bool Equals(StructField? x, StructField? y)
            => x is not null && y is not null && x.Name == y.Name && x.Type == y.Type && x.Nullable == y.Nullable;

        public int GetHashCode(StructField obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
