using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Delta.Stats;
using Cdp.Delta.Tests.Fixtures;
using static Cdp.Delta.Stats.FilePredicate;

namespace Cdp.Delta.Tests.Stats;

public class FilePredicateTests
{
    private static readonly StructType Schema = new(
    [
        new StructField("id", PrimitiveType.Long, true),
        new StructField("price", PrimitiveType.Double, true),
        new StructField("amount", new DecimalType(38, 2), true),
        new StructField("name", PrimitiveType.String, true),
        new StructField("day", PrimitiveType.Date, true),
        new StructField("ts", PrimitiveType.Timestamp, true),
        new StructField("local", PrimitiveType.TimestampNtz, true),
        new StructField("flag", PrimitiveType.Boolean, true),
        new StructField("part", PrimitiveType.String, true),
        new StructField("pint", PrimitiveType.Integer, true),
        new StructField("pday", PrimitiveType.Date, true),
    ]);

    private static readonly string[] PartitionColumns = ["part", "pint", "pday"];

    private static AddFile FileWith(JsonObject? min = null, JsonObject? max = null, JsonObject? nulls = null, long? rows = 100, Dictionary<string, string?>? partition = null)
        => TestTable.File("f.parquet", partitionValues: partition, stats: new FileStatistics(rows, min, max, nulls).ToJson());

    private static AddFile Partition(string? part = "a", string? pint = "5", string? pday = "2024-01-05")
        => TestTable.File("p.parquet", partitionValues: new Dictionary<string, string?> { ["part"] = part, ["pint"] = pint, ["pday"] = pday });

    private static bool Keeps(FilePredicate p, AddFile f) => p.MightMatch(f, Schema, PartitionColumns);

    private static readonly AddFile Numbers = FileWith(
        new JsonObject { ["id"] = 10, ["price"] = -1.5, ["amount"] = 5.25m },
        new JsonObject { ["id"] = 20, ["price"] = 2.5e3, ["amount"] = JsonNode.Parse("100000000000000000000000000000000000.00") },
        new JsonObject { ["id"] = 0, ["price"] = 0, ["amount"] = 0 });

    [Theory]
    [InlineData(CompareOp.Equal, 15, true)]
    [InlineData(CompareOp.Equal, 10, true)]
    [InlineData(CompareOp.Equal, 20, true)]
    [InlineData(CompareOp.Equal, 9, false)]
    [InlineData(CompareOp.Equal, 21, false)]
    [InlineData(CompareOp.Less, 10, false)]
    [InlineData(CompareOp.Less, 11, true)]
    [InlineData(CompareOp.LessOrEqual, 10, true)]
    [InlineData(CompareOp.LessOrEqual, 9, false)]
    [InlineData(CompareOp.Greater, 20, false)]
    [InlineData(CompareOp.Greater, 19, true)]
    [InlineData(CompareOp.GreaterOrEqual, 20, true)]
    [InlineData(CompareOp.GreaterOrEqual, 21, false)]
    [InlineData(CompareOp.NotEqual, 15, true)]
    public void LongBounds(CompareOp op, long value, bool kept)
    {
        Assert.Equal(kept, Keeps(Compare("id", op, value), Numbers));
        Assert.Equal(kept, Keeps(Compare("id", op, (int)value), Numbers));
        Assert.Equal(kept, Keeps(Compare("id", op, value.ToString(System.Globalization.CultureInfo.InvariantCulture)), Numbers));
    }

    [Fact]
    public void FractionalLiteralAgainstIntegerBounds()
    {
        Assert.False(Keeps(Compare("id", CompareOp.Equal, 9.5), Numbers));
        Assert.True(Keeps(Compare("id", CompareOp.Greater, 19.5), Numbers));
        Assert.False(Keeps(Compare("id", CompareOp.Greater, 20.5), Numbers));
    }

    [Fact]
    public void NotEqualSkipsAFileHoldingOnlyThatValue()
    {
        var single = FileWith(new JsonObject { ["id"] = 7 }, new JsonObject { ["id"] = 7 }, new JsonObject { ["id"] = 0 });
        Assert.False(Keeps(Compare("id", CompareOp.NotEqual, 7), single));
        Assert.True(Keeps(Compare("id", CompareOp.NotEqual, 8), single));
        Assert.True(Keeps(Compare("id", CompareOp.Equal, 7), single));
    }

    [Fact]
    public void DoubleAndDecimalBounds()
    {
        Assert.True(Keeps(Compare("price", CompareOp.Equal, -1.5), Numbers));
        Assert.False(Keeps(Compare("price", CompareOp.Less, -1.5), Numbers));
        Assert.False(Keeps(Compare("price", CompareOp.Greater, 2500.0), Numbers));
        Assert.True(Keeps(Compare("price", CompareOp.Greater, 2499.99), Numbers));
        Assert.False(Keeps(Compare("amount", CompareOp.Less, 5.25m), Numbers));
        Assert.True(Keeps(Compare("amount", CompareOp.LessOrEqual, 5.25m), Numbers));
        // A decimal(38,2) bound beyond System.Decimal's range is not a reason to fail or to skip.
        Assert.True(Keeps(Compare("amount", CompareOp.Greater, 1_000_000m), Numbers));
        Assert.True(Keeps(Compare("amount", CompareOp.Equal, "99999999999999999999999999999999999999"), Numbers));
    }

    private static readonly AddFile Strings = FileWith(new JsonObject { ["name"] = "apple" }, new JsonObject { ["name"] = "mango" }, new JsonObject { ["name"] = 0 });

    [Theory]
    [InlineData(CompareOp.Equal, "banana", true)]
    [InlineData(CompareOp.Equal, "apple", true)]
    [InlineData(CompareOp.Equal, "mango", true)]
    [InlineData(CompareOp.Equal, "aardvark", false)]
    [InlineData(CompareOp.Equal, "zebra", false)]
    [InlineData(CompareOp.Equal, "Banana", false)]
    [InlineData(CompareOp.Greater, "mango", false)]
    [InlineData(CompareOp.Greater, "mang", true)]
    [InlineData(CompareOp.Less, "apple", false)]
    [InlineData(CompareOp.Less, "apples", true)]
    public void StringBounds(CompareOp op, string value, bool kept)
        => Assert.Equal(kept, Keeps(Compare("name", op, value), Strings));

    [Fact]
    public void TruncatedStringMaxIsNotAnUpperBound()
    {
        // Spark keeps the first 32 characters of a long max (and may append a tie-breaker character).
        var prefix = new string('m', 32);
        foreach (var max in new[] { prefix, prefix + "\uFFFD" })
        {
            var file = FileWith(new JsonObject { ["name"] = "a" }, new JsonObject { ["name"] = max });
            Assert.True(Keeps(Compare("name", CompareOp.Equal, prefix + "zzz"), file));
            Assert.True(Keeps(Compare("name", CompareOp.Greater, "n"), file));
            Assert.True(Keeps(Compare("name", CompareOp.GreaterOrEqual, "zzz"), file));
            Assert.False(Keeps(Compare("name", CompareOp.Less, "a"), file)); // the min still bounds
        }
        var shorter = FileWith(new JsonObject { ["name"] = "a" }, new JsonObject { ["name"] = new string('m', 31) });
        Assert.False(Keeps(Compare("name", CompareOp.Greater, "n"), shorter));
    }

    [Fact]
    public void TruncatedStringMinStillBoundsFromBelow()
    {
        var file = FileWith(new JsonObject { ["name"] = new string('b', 32) }, new JsonObject { ["name"] = "c" });
        Assert.True(Keeps(Compare("name", CompareOp.Equal, new string('b', 40)), file));
        Assert.False(Keeps(Compare("name", CompareOp.Equal, "a"), file));
    }

    [Fact]
    public void StringsCompareInUtf8ByteOrderLikeParquetStats()
    {
        // In UTF-8 (and code point) order U+FFFD < U+1F600; in UTF-16 code unit order it is the reverse.
        var file = FileWith(new JsonObject { ["name"] = "\uFFFD" }, new JsonObject { ["name"] = "😀" });
        Assert.True(Keeps(Compare("name", CompareOp.Equal, "😀"), file));
        Assert.True(Keeps(Compare("name", CompareOp.Equal, "\uFFFD"), file));
        Assert.True(Keeps(Compare("name", CompareOp.Equal, "\U00010000"), file));
        Assert.False(Keeps(Compare("name", CompareOp.Equal, "z"), file));
        Assert.False(Keeps(Compare("name", CompareOp.Greater, "😀"), file));

        var partition = Partition(part: "😀");
        Assert.True(Keeps(Compare("part", CompareOp.Greater, "\uFFFD"), partition));
        Assert.False(Keeps(Compare("part", CompareOp.Less, "\uFFFD"), partition));
    }

    private static readonly AddFile Dates = FileWith(new JsonObject { ["day"] = "2024-01-01" }, new JsonObject { ["day"] = "2024-01-31" });

    [Fact]
    public void DateBounds()
    {
        Assert.True(Keeps(Compare("day", CompareOp.Equal, new DateOnly(2024, 1, 15)), Dates));
        Assert.True(Keeps(Compare("day", CompareOp.Equal, "2024-01-31"), Dates));
        Assert.False(Keeps(Compare("day", CompareOp.Equal, new DateOnly(2024, 2, 1)), Dates));
        Assert.False(Keeps(Compare("day", CompareOp.Less, new DateOnly(2024, 1, 1)), Dates));
        Assert.True(Keeps(Compare("day", CompareOp.LessOrEqual, "2024-01-01"), Dates));
        Assert.False(Keeps(Compare("day", CompareOp.Greater, "2024-01-31"), Dates));
        Assert.False(Keeps(Compare("day", CompareOp.Greater, new DateTime(2024, 2, 1)), Dates));
    }

    private static readonly AddFile Times = FileWith(
        new JsonObject { ["ts"] = "2024-01-01T00:00:00.000Z", ["local"] = "2024-01-01T00:00:00.000" },
        new JsonObject { ["ts"] = "2024-01-01T01:00:00.123+01:00", ["local"] = "2024-01-01T00:00:00.123" });

    private static DateTimeOffset At(long microsAfterMidnight) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(microsAfterMidnight * 10);

    [Theory]
    [InlineData(CompareOp.Equal, 123_456, true)] // the true max may lie up to 1 ms above the millisecond bound
    [InlineData(CompareOp.Equal, 123_999, true)]
    [InlineData(CompareOp.Equal, 124_000, true)]
    [InlineData(CompareOp.Equal, 124_001, false)]
    [InlineData(CompareOp.GreaterOrEqual, 123_500, true)]
    [InlineData(CompareOp.Greater, 123_999, true)]
    [InlineData(CompareOp.Greater, 124_000, false)]
    [InlineData(CompareOp.Less, 0, false)]
    [InlineData(CompareOp.Less, 1, true)]
    [InlineData(CompareOp.LessOrEqual, 0, true)]
    public void TimestampBoundsAreMillisecondTruncated(CompareOp op, long micros, bool kept)
    {
        Assert.Equal(kept, Keeps(Compare("ts", op, At(micros)), Times));
        Assert.Equal(kept, Keeps(Compare("local", op, At(micros).UtcDateTime), Times));
        Assert.Equal(kept, Keeps(Compare("ts", op, At(micros).ToOffset(TimeSpan.FromHours(3))), Times));
    }

    [Fact]
    public void AllNullColumnMatchesNoComparison()
    {
        var file = FileWith(new JsonObject(), new JsonObject(), new JsonObject { ["id"] = 100, ["name"] = 100 }, rows: 100);
        Assert.False(Keeps(Compare("id", CompareOp.Equal, 1), file));
        Assert.False(Keeps(Compare("name", CompareOp.NotEqual, "x"), file));
        Assert.True(Keeps(IsNull("id"), file));
        Assert.False(Keeps(IsNotNull("id"), file));
    }

    [Fact]
    public void NullChecksUseNullCounts()
    {
        var noNulls = FileWith(nulls: new JsonObject { ["id"] = 0 });
        Assert.False(Keeps(IsNull("id"), noNulls));
        Assert.True(Keeps(IsNotNull("id"), noNulls));

        var someNulls = FileWith(nulls: new JsonObject { ["id"] = 3 });
        Assert.True(Keeps(IsNull("id"), someNulls));
        Assert.True(Keeps(IsNotNull("id"), someNulls));

        var unknownRows = FileWith(nulls: new JsonObject { ["id"] = 3 }, rows: null);
        Assert.True(Keeps(IsNotNull("id"), unknownRows));
        Assert.True(Keeps(IsNull("name"), noNulls)); // no null count for the column
    }

    [Fact]
    public void MissingOrUnreadableStatsKeepTheFile()
    {
        var predicates = new[] { Compare("id", CompareOp.Equal, 1), IsNull("id"), IsNotNull("id"), Compare("name", CompareOp.Less, "a") };
        foreach (var stats in new[] { null, "", "{not json", "[]", """{"numRecords":"many","minValues":7}""" })
        {
            var file = TestTable.File("f", stats: stats);
            Assert.All(predicates, p => Assert.True(Keeps(p, file), $"{p} skipped a file with stats {stats}"));
        }
        var minOnly = FileWith(min: new JsonObject { ["id"] = 10 });
        Assert.True(Keeps(Compare("id", CompareOp.Greater, 1000), minOnly));
        Assert.False(Keeps(Compare("id", CompareOp.Less, 5), minOnly));
    }

    [Fact]
    public void UnknownColumnsAndUnboundedTypesKeepTheFile()
    {
        var file = FileWith(new JsonObject { ["flag"] = false, ["id"] = new JsonObject { ["nested"] = 1 } }, new JsonObject { ["flag"] = false, ["id"] = 5 });
        Assert.True(Keeps(Compare("nope", CompareOp.Equal, 1), file));
        Assert.True(Keeps(Compare("flag", CompareOp.Equal, true), file));
        Assert.True(Keeps(Compare("id", CompareOp.Less, 0), file)); // the min is not a number
        Assert.True(Keeps(Compare("id", CompareOp.Equal, "not a number"), file));
    }

    [Fact]
    public void PartitionValues()
    {
        var file = Partition();
        Assert.True(Keeps(Compare("part", CompareOp.Equal, "a"), file));
        Assert.False(Keeps(Compare("part", CompareOp.Equal, "b"), file));
        Assert.True(Keeps(Compare("part", CompareOp.NotEqual, "b"), file));
        Assert.True(Keeps(Compare("pint", CompareOp.Greater, 3), file));
        Assert.False(Keeps(Compare("pint", CompareOp.Less, 5), file));
        Assert.True(Keeps(Compare("pint", CompareOp.Equal, "5"), file));
        Assert.False(Keeps(Compare("pint", CompareOp.Equal, 50), file)); // numbers, not strings: "5" < "50" but 5 != 50
        Assert.True(Keeps(Compare("pint", CompareOp.Less, 10), file)); // as strings "5" > "10"
        Assert.True(Keeps(Compare("pday", CompareOp.Equal, new DateOnly(2024, 1, 5)), file));
        Assert.False(Keeps(Compare("pday", CompareOp.Greater, "2024-01-05"), file));
        Assert.False(Keeps(IsNull("part"), file));
        Assert.True(Keeps(IsNotNull("part"), file));
    }

    [Fact]
    public void LiteralThatDoesNotFitThePartitionTypeKeepsTheFile()
    {
        var file = Partition();
        foreach (var op in Enum.GetValues<CompareOp>())
        {
            Assert.True(Keeps(Compare("pint", op, "not-a-number"), file), op.ToString());
            Assert.True(Keeps(Compare("pday", op, "someday"), file), op.ToString());
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NullPartitionValue(string? value)
    {
        var file = Partition(part: value, pint: value);
        Assert.True(Keeps(IsNull("part"), file));
        Assert.False(Keeps(IsNotNull("part"), file));
        Assert.False(Keeps(Compare("part", CompareOp.Equal, "a"), file));
        Assert.False(Keeps(Compare("part", CompareOp.NotEqual, "a"), file));
        Assert.False(Keeps(Compare("pint", CompareOp.Greater, 0), file));
        Assert.True(Keeps(IsNull("pint"), TestTable.File("f"))); // a partition column missing from the map is null
    }

    [Fact]
    public void AndOr()
    {
        var inRange = Compare("id", CompareOp.GreaterOrEqual, 15);
        var outOfRange = Compare("id", CompareOp.Greater, 100);
        Assert.True(Keeps(And(inRange, Compare("part", CompareOp.Equal, "a")), FileWith(new JsonObject { ["id"] = 10 }, new JsonObject { ["id"] = 20 }, partition: new() { ["part"] = "a" })));
        Assert.False(Keeps(And(inRange, outOfRange), Numbers));
        Assert.True(Keeps(Or(outOfRange, inRange), Numbers));
        Assert.False(Keeps(Or(outOfRange, Compare("id", CompareOp.Less, 10)), Numbers));
        Assert.True(Keeps(And(), Numbers));
        Assert.False(Keeps(Or(), Numbers));
    }

    [Fact]
    public async Task FilterKeepsOnlyFilesThatMightMatch()
    {
        var t = TestTable.InMemory();
        var stats = (int lo, int hi) => new FileStatistics(10, new JsonObject { ["id"] = lo }, new JsonObject { ["id"] = hi }, new JsonObject { ["id"] = 0 }).ToJson();
        await t.CreateAsync(TestTable.NewMetadata(partitionColumns: ["part"]), null,
            TestTable.File("part=x/1.parquet", 1, TestTable.Part("x"), stats(1, 10)),
            TestTable.File("part=x/2.parquet", 1, TestTable.Part("x"), stats(11, 20)),
            TestTable.File("part=y/3.parquet", 1, TestTable.Part("y"), stats(5, 15)),
            TestTable.File("part=y/4.parquet", 1, TestTable.Part("y")));
        var snapshot = await t.Table.GetSnapshotAsync();

        var kept = And(Compare("part", CompareOp.Equal, "y"), Compare("id", CompareOp.Greater, 15)).Filter(snapshot);

        Assert.Equal(["part=y/4.parquet"], kept.Select(f => f.Path));
        Assert.Equal(["part=x/2.parquet", "part=y/3.parquet", "part=y/4.parquet"], Compare("id", CompareOp.GreaterOrEqual, 12).Filter(snapshot).Select(f => f.Path));
    }
}
