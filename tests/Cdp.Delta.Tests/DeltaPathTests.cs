using System.Text;

namespace Cdp.Delta.Tests;

public class DeltaPathTests
{
    private const string Root = "/data/lake/customers";

    public static TheoryData<string> HostileValues => new()
    {
        "A/A", "100%", "%2F", "%25", "with space", "a+b", "ünïcödé 日本 😀", "k=v", "#hash", "q?x", "a&b;c", "'quoted' \"double\"",
        "back\\slash", "colon:x", "*[]{}^", "tab\tnewline\n", "..", ".", "", "__HIVE_DEFAULT_PARTITION__",
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void PartitionFileKeySurvivesEncodeThenDecode(string value)
    {
        var key = DeltaPath.PartitionFolder("p=col/x", value) + "/part-00000.snappy.parquet";

        var encoded = DeltaPath.FromKey(key);

        Assert.All(encoded, c => Assert.True(char.IsAsciiLetterOrDigit(c) || "-._~/=%".Contains(c), $"'{c}' left unencoded in {encoded}"));
        Assert.Equal(key, DeltaPath.ToKey(Root, encoded));
        Assert.Equal(1, key.Count(c => c == '/')); // neither column nor value adds a folder level
    }

    [Fact]
    public void HiveEscapingThenUriEncodingAsTheProtocolExample()
    {
        Assert.Equal("x=A%2FA", DeltaPath.PartitionFolder("x", "A/A"));
        Assert.Equal("x=A%252FA/part-0.parquet", DeltaPath.FromKey("x=A%2FA/part-0.parquet"));
        Assert.Equal("x=A%2FA/part-0.parquet", DeltaPath.ToKey(Root, "x=A%252FA/part-0.parquet"));
    }

    [Theory]
    [InlineData("a=b", "a%3Db")]
    [InlineData("#%?", "%23%25%3F")]
    [InlineData("a:b/c", "a%3Ab%2Fc")]
    [InlineData("{[x]}^*", "%7B%5Bx%5D}%5E%2A")] // Hive escapes '{' but not '}'
    [InlineData("'\"\\", "%27%22%5C")]
    [InlineData("\u0001\u007f", "%01%7F")]
    [InlineData("é 日 ok-_.~", "é 日 ok-_.~")]
    public void EscapeHiveEscapesWhatHiveEscapes(string value, string escaped)
        => Assert.Equal(escaped, DeltaPath.EscapeHive(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NullAndEmptyPartitionValuesUseTheHiveDefault(string? value)
        => Assert.Equal("p=__HIVE_DEFAULT_PARTITION__", DeltaPath.PartitionFolder("p", value));

    [Fact]
    public void EncodeDecodeIsIdentityOverRandomStrings()
    {
        for (var seed = 0; seed < 2000; seed++)
        {
            var random = new Random(seed);
            var value = RandomText(random);

            // Only valid object keys are paths of files inside a table (no leading '/', no '..' segments).
            if (IsValidKey(value)) Assert.Equal(value, DeltaPath.ToKey(Root, DeltaPath.FromKey(value)));
            var hive = DeltaPath.EscapeHive(value);
            Assert.DoesNotContain('/', hive);
            Assert.DoesNotContain('=', hive);
            Assert.Equal(value, Uri.UnescapeDataString(hive));
            var key = DeltaPath.PartitionFolder("c", value) + "/f.parquet";
            Assert.Equal(key, DeltaPath.ToKey(Root, DeltaPath.FromKey(key)));
        }
    }

    private static bool IsValidKey(string value)
    {
        try
        {
            Cdp.Storage.ObjectKey.Validate(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("file:///data/lake/customers/x=1/f.parquet", "x=1/f.parquet")]
    [InlineData("file:///data/lake/customers/x=A%252FA/f%20g.parquet", "x=A%2FA/f g.parquet")]
    [InlineData("file:/data/lake/customers/x=1/f%20g.parquet", "x=1/f g.parquet")]
    [InlineData("file:/data/lake/customers/%C3%A9.parquet", "é.parquet")]
    public void AbsoluteFileUrisInsideTheTableBecomeKeys(string path, string key)
        => Assert.Equal(key, DeltaPath.ToKey(Root, path));

    [Theory]
    [InlineData("file:///data/lake/other/f.parquet")]
    [InlineData("file:/data/lake/customers-old/f.parquet")]
    [InlineData("s3://bucket/data/lake/customers/f.parquet")]
    [InlineData("abfss://c@a.dfs.core.windows.net/f.parquet")]
    [InlineData("file://host/data/lake/customers/f.parquet")]
    public void AbsolutePathsOutsideTheTableAreRefused(string path)
    {
        var e = Assert.Throws<DeltaException>(() => DeltaPath.ToKey(Root, path));
        Assert.Equal(DeltaErrorKind.MissingFile, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(Root, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Random valid text: ASCII (with every reserved character), Latin-1, CJK and astral code points.</summary>
    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(0, 24);
        for (var i = 0; i < length; i++)
        {
            var codePoint = random.Next(5) switch
            {
                0 or 1 => random.Next(0x20, 0x7f),
                2 => random.Next(0x01, 0x100),
                3 => random.Next(0x4e00, 0x9fff),
                _ => random.Next(0x10000, 0x10ffff),
            };
            sb.Append(char.ConvertFromUtf32(codePoint));
        }
        return sb.ToString();
    }
}
