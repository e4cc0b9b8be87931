using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cdp.Delta.Schema;

/// <summary>Parses and prints Spark's StructType JSON (the metaData.schemaString).</summary>
public static partial class SchemaJson
{
    public static StructType Parse(string schemaString)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(schemaString);
        }
        catch (JsonException e)
        {
            throw new FormatException($"schemaString is not valid JSON: {e.Message}");
        }
        return ParseType(node) as StructType ?? throw new FormatException("schemaString must be a struct type");
    }

    public static string Print(StructType schema) => schema.ToJson().ToJsonString();

    private static DataType ParseType(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var name):
                if (PrimitiveType.Names.Contains(name)) return new PrimitiveType(name);
                if (name == "decimal") return new DecimalType(10, 0);
                var m = DecimalPattern().Match(name);
                if (m.Success)
                    return new DecimalType(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                // variant, void, interval ...: keep the name so the reader can refuse it by name.
                return new PrimitiveType(name);
            case JsonObject o:
                var type = o["type"]?.GetValue<string>();
                return type switch
                {
                    "struct" => new StructType((o["fields"] as JsonArray ?? [])
                        .Select(f => new StructField(
                            f!["name"]!.GetValue<string>(),
                            ParseType(f["type"]),
                            f["nullable"]?.GetValue<bool>() ?? true,
                            f["metadata"] as JsonObject is { } md ? (JsonObject)md.DeepClone() : null))
                        .ToList()),
                    "array" => new ArrayType(ParseType(o["elementType"]), o["containsNull"]?.GetValue<bool>() ?? true),
                    "map" => new MapType(ParseType(o["keyType"]), ParseType(o["valueType"]), o["valueContainsNull"]?.GetValue<bool>() ?? true),
                    _ => throw new FormatException($"unknown complex type '{type}' in schema"),
                };
            default:
                throw new FormatException($"unexpected schema node {node?.ToJsonString() ?? "null"}");
        }
    }

    [GeneratedRegex(@"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")]
    private static partial Regex DecimalPattern();
}
