using System.Text;
using System.Text.Json.Nodes;
using Cdp.Delta.Schema;

namespace Cdp.Delta.Tests.Schema;

public class SchemaJsonTests
{
    // As Spark writes it: nested struct, arrays, maps, decimals, field metadata.
    private const string SparkSchema = """
        {"type":"struct","fields":[
          {"name":"id","type":"long","nullable":false,"metadata":{}},
          {"name":"amount","type":"decimal(38,18)","nullable":true,"metadata":{"comment":"in EUR"}},
          {"name":"address","type":{"type":"struct","fields":[
              {"name":"street","type":"string","nullable":true,"metadata":{}},
              {"name":"geo","type":{"type":"struct","fields":[{"name":"lat","type":"double","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]},
            "nullable":true,"metadata":{}},
          {"name":"tags","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},
          {"name":"scores","type":{"type":"map","keyType":"string","valueType":{"type":"array","elementType":"decimal(5,2)","containsNull":true},"valueContainsNull":true},"nullable":true,"metadata":{}},
          {"name":"events","type":{"type":"array","elementType":{"type":"struct","fields":[{"name":"at","type":"timestamp","nullable":true,"metadata":{}}]},"containsNull":true},"nullable":true,"metadata":{}},
          {"name":"day","type":"date","nullable":true,"metadata":{}},
          {"name":"local","type":"timestamp_ntz","nullable":true,"metadata":{}}
        ]}
        """;

    [Fact]
    public void ParsesSparkSchema()
    {
        var schema = SchemaJson.Parse(SparkSchema);

        Assert.Equal(["id", "amount", "address", "tags", "scores", "events", "day", "local"], schema.Fields.Select(f => f.Name));
        Assert.False(schema.Fields[0].Nullable);
        Assert.Equal(new DecimalType(38, 18), schema.Fields[1].Type);
        Assert.Equal("in EUR", schema.Fields[1].Metadata!["comment"]!.GetValue<string>());
        var address = Assert.IsType<StructType>(schema.Fields[2].Type);
        var geo = Assert.IsType<StructType>(address.Find("geo")!.Type);
        Assert.Equal(PrimitiveType.Double, geo.Fields.Single().Type);
        Assert.Equal(new ArrayType(PrimitiveType.String, false), schema.Fields[3].Type);
        var scores = Assert.IsType<MapType>(schema.Fields[4].Type);
        Assert.Equal(new ArrayType(new DecimalType(5, 2), true), scores.ValueType);
        var events = Assert.IsType<ArrayType>(schema.Fields[5].Type);
        Assert.Equal(PrimitiveType.Timestamp, Assert.IsType<StructType>(events.ElementType).Fields.Single().Type);
        Assert.Equal(PrimitiveType.TimestampNtz, schema.Fields[7].Type);
    }

    [Fact]
    public void PrintThenParseKeepsTypesAndMetadata()
    {
        var schema = SchemaJson.Parse(SparkSchema);
        var printed = SchemaJson.Print(schema);

        Assert.Equal(schema, SchemaJson.Parse(printed));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SparkSchema), JsonNode.Parse(printed)), printed);
    }

    [Theory]
    [InlineData("decimal", 10, 0)]
    [InlineData("decimal(1,0)", 1, 0)]
    [InlineData("decimal(38,38)", 38, 38)]
    [InlineData("decimal( 12 , 4 )", 12, 4)]
    public void DecimalForms(string name, int precision, int scale)
    {
        var schema = SchemaJson.Parse($$$"""{"type":"struct","fields":[{"name":"d","type":"{{{name}}}","nullable":true,"metadata":{}}]}""");
        Assert.Equal(new DecimalType(precision, scale), schema.Fields[0].Type);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("\"string\"", "struct")]
    [InlineData("""{"type":"array","elementType":"string","containsNull":true}""", "struct")]
    [InlineData("""{"type":"struct","fields":[{"name":"x","type":{"type":"udt"},"nullable":true}]}""", "udt")]
    [InlineData("""{"type":"struct","fields":[{"name":"x","type":5}]}""", "unexpected")]
    public void InvalidSchemasAreRefused(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => SchemaJson.Parse(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingNullableMeansNullableAndMissingMetadataPrintsEmpty()
    {
        var schema = SchemaJson.Parse("""{"type":"struct","fields":[{"name":"x","type":"integer"}]}""");
        Assert.True(schema.Fields[0].Nullable);
        Assert.Equal("""{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,"metadata":{}}]}""", SchemaJson.Print(schema));
    }

    [Fact]
    public void ParseOfPrintIsIdentityOverRandomSchemas()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var schema = RandomStruct(random, depth: 0);
            var printed = SchemaJson.Print(schema);
            var parsed = SchemaJson.Parse(printed);

            Assert.True(schema.Equals(parsed), $"seed {seed}: {printed}");
            // Printing again gives the same text, so field metadata survives too.
            Assert.Equal(printed, SchemaJson.Print(parsed));
        }
    }

    private static readonly string[] Primitives = [.. PrimitiveType.Names];

    private static StructType RandomStruct(Random random, int depth)
    {
        var count = random.Next(depth == 0 ? 1 : 0, 6);
        var fields = new List<StructField>();
        for (var i = 0; i < count; i++)
        {
            JsonObject? metadata = random.Next(4) switch
            {
                0 => null,
                1 => new JsonObject { ["comment"] = RandomName(random) },
                2 => new JsonObject { ["delta.generationExpression"] = "id + 1", ["n"] = random.Next(), ["nested"] = new JsonObject { ["a"] = new JsonArray(1, 2) } },
                _ => [],
            };
            fields.Add(new StructField(RandomName(random), RandomType(random, depth + 1), random.Next(2) == 0, metadata));
        }
        return new StructType(fields);
    }

    private static DataType RandomType(Random random, int depth)
    {
        var kind = depth >= 4 ? random.Next(2) : random.Next(6);
        switch (kind)
        {
            case 0:
                return new PrimitiveType(Primitives[random.Next(Primitives.Length)]);
            case 1:
                var precision = random.Next(1, 39);
                return new DecimalType(precision, random.Next(0, precision + 1));
            case 2:
                return new ArrayType(RandomType(random, depth + 1), random.Next(2) == 0);
            case 3:
                return new MapType(RandomType(random, depth + 1), RandomType(random, depth + 1), random.Next(2) == 0);
            default:
                return RandomStruct(random, depth);
        }
    }

    /// <summary>Names with quotes, backslashes, dots, spaces, control characters and non-ASCII text.</summary>
    internal static string RandomName(Random random)
    {
        const string alphabet = "abcXYZ019_ .`'\"\\/:=#?%\t\n{}[]éß日本😀\u2028";
        var length = random.Next(1, 12);
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            var start = random.Next(alphabet.Length);
            // Keep surrogate pairs whole: field names are valid strings.
            if (char.IsLowSurrogate(alphabet[start])) start--;
            sb.Append(alphabet[start]);
            if (char.IsHighSurrogate(alphabet[start])) sb.Append(alphabet[start + 1]);
        }
        return sb.ToString();
    }
}
