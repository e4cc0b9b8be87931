using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Delta.Schema;

namespace Cdp.Engine.Tests;

/// <summary>Values written through the Delta writer read back unchanged, with the schema Delta readers expect.</summary>
public class RoundTripTests
{
    private const string AllPrimitives = """
        SELECT * FROM (VALUES
          (true, 1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 1.5::FLOAT, 2.25::DOUBLE, 123.45::DECIMAL(10,2), 'héllo "x"', '\x00\xFF'::BLOB,
           DATE '2024-02-29', TIMESTAMPTZ '2024-03-01 12:34:56.789123+00'),
          (false, (-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT, 'inf'::FLOAT, (-0.0)::DOUBLE, (-99999999.99)::DECIMAL(10,2), '', ''::BLOB,
           DATE '0001-01-01', TIMESTAMPTZ '1970-01-01 00:00:00+00'),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        ) AS v(b, i8, i16, i32, i64, f32, f64, dec, s, bin, d, ts)
        """;

    [Fact]
    public async Task EveryPrimitiveTypeRoundTrips()
    {
        await using var t = new LocalTable();
        await t.AppendAsync(AllPrimitives);
        await Assertions.SameRowsAsync(t.Engine, AllPrimitives, await t.ScanAsync());

        var schema = (await t.Table.GetSnapshotAsync()).Schema;
        Assert.Equal(
            ["boolean", "byte", "short", "integer", "long", "float", "double", "decimal(10,2)", "string", "binary", "date", "timestamp"],
            schema.Fields.Select(f => f.Type.ToJson().GetValue<string>()));
    }

    [Fact]
    public async Task TimestampWithoutTimeZoneIsStoredAsUtcInstant()
    {
        await using var t = new LocalTable();
        await t.AppendAsync("SELECT TIMESTAMP '2024-05-06 07:08:09' AS ts");
        var row = await t.Engine.QueryAsync($"SELECT ts = TIMESTAMPTZ '2024-05-06 07:08:09+00' FROM ({await t.ScanAsync()})");
        Assert.Equal(true, row.Scalar);
    }

    [Fact]
    public async Task NestedTypesRoundTrip()
    {
        const string nested = """
            SELECT i AS id,
                   {'name': 'n' || i, 'tags': ['a', 'b' || i], 'inner': {'x': i * 1.5}} AS person,
                   [i, i + 1, NULL] AS numbers,
                   MAP {'k' || i: i, 'z': NULL} AS attrs,
                   [{'sku': 'S' || i, 'qty': i}] AS lines
            FROM range(5) r(i)
            """;
        await using var t = new LocalTable();
        await t.AppendAsync(nested);
        await Assertions.SameRowsAsync(t.Engine, nested, await t.ScanAsync());
        var schema = (await t.Table.GetSnapshotAsync()).Schema;
        Assert.IsType<StructType>(schema.Find("person")!.Type);
        Assert.IsType<ArrayType>(schema.Find("numbers")!.Type);
        Assert.IsType<MapType>(schema.Find("attrs")!.Type);
        Assert.IsType<StructType>(((ArrayType)schema.Find("lines")!.Type).ElementType);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("100%")]
    [InlineData("with space")]
    [InlineData("ünïcødé ✓")]
    [InlineData("x=y")]
    [InlineData("quote' \"double\"")]
    [InlineData("#?*[]{}")]
    [InlineData("..")]
    public async Task HostilePartitionValuesRoundTrip(string value)
    {
        await using var t = new LocalTable();
        var source = $"SELECT * FROM (VALUES (1, {Sql.Literal(value)}), (2, NULL), (3, 'plain')) AS v(id, p)";
        await t.AppendAsync(source, new WriteOptions { PartitionBy = ["p"] });
        await Assertions.SameRowsAsync(t.Engine, source, await t.ScanAsync());

        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(3, snapshot.Files.Count);
        var hostile = snapshot.Files.Single(f => f.PartitionValues["p"] == value);
        Assert.Null(snapshot.Files.Single(f => f.PartitionValues["p"] is null).PartitionValues["p"]);
        // The file lives in the Hive-escaped folder, and add.path decodes back to it.
        var key = DeltaPath.ToKey(t.Root, hostile.Path);
        Assert.StartsWith(DeltaPath.PartitionFolder("p", value) + "/", key, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(t.Root, key)));
        Assert.DoesNotContain(' ', hostile.Path);
    }

    [Fact]
    public async Task HostileColumnNamesRoundTrip()
    {
        const string source = """SELECT 1 AS "we""ird col", 'x' AS "sélect * from t; --", 2 AS "a.b" """;
        await using var t = new LocalTable();
        await t.AppendAsync(source);
        await Assertions.SameRowsAsync(t.Engine, source, await t.ScanAsync());
        Assert.Equal(["we\"ird col", "sélect * from t; --", "a.b"], (await t.Table.GetSnapshotAsync()).Schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task StatsAreWrittenAsSparkWritesThem()
    {
        await using var t = new LocalTable();
        await t.AppendAsync("""
            SELECT i AS id, CASE WHEN i = 3 THEN NULL ELSE 'v' || i END AS s, repeat('z', 40) || i AS long_text,
                   DATE '2024-01-01' + i::INT AS d, TIMESTAMPTZ '2024-01-01 00:00:00.123456+00' + to_seconds(i) AS ts, i % 2 = 0 AS flag
            FROM range(10) r(i)
            """);
        var file = (await t.Table.GetSnapshotAsync()).Files.Single();
        var stats = JsonNode.Parse(file.Stats!)!;
        Assert.Equal(10, stats["numRecords"]!.GetValue<long>());
        Assert.Equal(0, stats["minValues"]!["id"]!.GetValue<long>());
        Assert.Equal(9, stats["maxValues"]!["id"]!.GetValue<long>());
        Assert.Equal(1, stats["nullCount"]!["s"]!.GetValue<long>());
        Assert.Equal("2024-01-01", stats["minValues"]!["d"]!.GetValue<string>());
        Assert.Equal("2024-01-01T00:00:00.123Z", stats["minValues"]!["ts"]!.GetValue<string>());
        Assert.Equal(32, stats["minValues"]!["long_text"]!.GetValue<string>().Length);
        Assert.Null(stats["maxValues"]!["long_text"]); // a truncated max would not be an upper bound
        Assert.Null(stats["minValues"]!["flag"]);
        Assert.Equal(0, stats["nullCount"]!["flag"]!.GetValue<long>());
    }
}
