using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public sealed class YamlValuesTests
{
    private static YamlFile Parse(string text, DiagnosticBag? bag = null) => YamlFile.Parse("f.yml", text, bag ?? new DiagnosticBag());

    private static object? Value(string yaml) => YamlValues.ToValue(((YamlMapping)Parse("v: " + yaml).Root!)["v"]!);

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("yes", "yes")]
    [InlineData("no", "no")]
    [InlineData("on", "on")]
    [InlineData("'true'", "true")]
    [InlineData("\"42\"", "42")]
    [InlineData("!!str 42", "42")]
    [InlineData("42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0o17", 15L)]
    [InlineData("1.5", 1.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("!!float 2", 2.0)]
    [InlineData("2024-01-01", "2024-01-01")]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("plain text", "plain text")]
    public void Scalars(string yaml, object expected) => Assert.Equal(expected, Value(yaml));

    [Theory]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("NULL")]
    public void Nulls(string yaml) => Assert.Null(Value(yaml));

    [Fact]
    public void InfinityNanAndHugeIntegers()
    {
        Assert.Equal(double.PositiveInfinity, Value(".inf"));
        Assert.Equal(double.NegativeInfinity, Value("-.Inf"));
        Assert.True(double.IsNaN((double)Value(".nan")!));
        Assert.Equal(1e20, Value("100000000000000000000"));
    }

    [Fact]
    public void CollectionsAndBlockScalars()
    {
        Assert.Equal(new List<object?> { 1L, "a", null, new List<object?> { true } }, Value("[1, a, null, [true]]"));
        var map = Assert.IsType<Dictionary<string, object?>>(Value("{b: 2, a: {c: x}}"));
        Assert.Equal(["b", "a"], map.Keys);
        Assert.Equal(new Dictionary<string, object?> { ["c"] = "x" }, map["a"]);
        Assert.Equal("line1\nline2\n", YamlValues.ToValue(((YamlMapping)Parse("v: |\n  line1\n  line2\n").Root!)["v"]!));
        Assert.Equal("42\n", YamlValues.ToValue(((YamlMapping)Parse("v: >\n  42\n").Root!)["v"]!));
    }

    [Fact]
    public void MarksAreOneBased()
    {
        var root = (YamlMapping)Parse("a: 1\nbb:\n  - x\n  - {k: v}\n").Root!;
        Assert.Equal((1, 1), (root.Line, root.Column));
        var (key, value) = root.Entries[1];
        Assert.Equal((2, 1), (key.Line, key.Column));
        var list = (YamlSequence)value;
        Assert.Equal((3, 3), (list.Line, list.Column));
        Assert.Equal((3, 5), (list.Items[0].Line, list.Items[0].Column));
        Assert.Equal((4, 5), (list.Items[1].Line, list.Items[1].Column));
    }

    [Fact]
    public void AnchorsAliasesAndMergeKeys()
    {
        var bag = new DiagnosticBag();
        var root = (YamlMapping)Parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\ncopy: *b\n", bag).Root!;
        Assert.Empty(bag.Items);
        Assert.Equal(new Dictionary<string, object?> { ["y"] = 3L, ["x"] = 1L }, YamlValues.ToValue(root["other"]!));
        Assert.Equal(new Dictionary<string, object?> { ["x"] = 1L, ["y"] = 2L }, YamlValues.ToValue(root["copy"]!));
    }

    [Fact]
    public void UnknownAliasIsAnError()
    {
        var bag = new DiagnosticBag();
        Assert.Null(Parse("a: *nope\n", bag).Root);
        Assert.Equal("f.yml:1:4: error: invalid YAML: unknown anchor 'nope'", Assert.Single(bag.Items).ToString().Split('\n')[0]);
    }

    [Fact]
    public void EmptyFileHasNoRootAndNoError()
    {
        var bag = new DiagnosticBag();
        var file = Parse("# only a comment\n", bag);
        Assert.Null(file.Root);
        Assert.False(file.HasSyntaxError);
        Assert.Empty(bag.Items);
    }
}
