using System.Text;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;

namespace Cdp.Ingestion.Tests;

/// <summary>
/// The quick scanner only ever accepts what Utf8JsonReader accepts (it may defer, never disagree), and staging in
/// parallel blocks keeps every line's number and every reject, also across block boundaries.
/// </summary>
public sealed class JsonLineScannerTests
{
    [Theory]
    [InlineData("{}", true)]
    [InlineData(" {\"a\":1} ", true)]
    [InlineData("{\"a\":-0.5e+10,\"b\":[1,{\"c\":null},[]],\"d\":{\"e\":true,\"f\":false},\"g\":\"x\\\"y\\\\z\\n\"}", true)]
    [InlineData("{\"a\":\"caf\u00e9 \u2603\"}", true)]
    [InlineData("{\"a\":1,}", false)]
    [InlineData("{\"a\":[1,]}", false)]
    [InlineData("{\"a\":01}", false)]
    [InlineData("{\"a\":1.}", false)]
    [InlineData("{\"a\":.5}", false)]
    [InlineData("{\"a\":1e}", false)]
    [InlineData("{\"a\":-}", false)]
    [InlineData("{\"a\":tru}", false)]
    [InlineData("{\"a\":truex}", false)]
    [InlineData("{\"a\":NaN}", false)]
    [InlineData("{\"a\":'x'}", false)]
    [InlineData("{a:1}", false)]
    [InlineData("{\"a\" 1}", false)]
    [InlineData("{\"a\":1 \"b\":2}", false)]
    [InlineData("{\"a\":1}{\"b\":2}", false)]
    [InlineData("{\"a\":1} x", false)]
    [InlineData("{\"a\":\"tab\there\"}", false)]
    [InlineData("{\"a\":\"\\x\"}", false)]
    [InlineData("{\"a\":\"\\u00e9\"}", false)] // \u escapes are left to the reader
    [InlineData("{\"a\":[}", false)]
    [InlineData("{\"a\":{]}", false)]
    [InlineData("{\"a\":1", false)]
    [InlineData("{\"a\":\"x", false)]
    [InlineData("[1]", false)]
    [InlineData("1", false)]
    [InlineData("{\"_source_line\":1}", false)]
    [InlineData("{\"a\\\"b\":1}", false)] // an escaped top-level key is left to the reader
    public void The_scanner_accepts_only_what_the_reader_accepts(string line, bool accepted)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(accepted, JsonLineScanner.IsPlainObject(bytes, new KeyCollector()));
        if (accepted) Assert.Null(JsonLinesStager.Check(bytes, new KeyCollector()));
    }

    [Fact]
    public void Deep_nesting_is_left_to_the_reader()
    {
        var deep = Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 100) + new string(']', 100) + "}");
        Assert.False(JsonLineScanner.IsPlainObject(deep, new KeyCollector()));
        Assert.Null(JsonLinesStager.Check(deep, new KeyCollector()));
    }

    [Fact]
    public void The_scanner_collects_the_top_level_keys_in_first_seen_order()
    {
        var keys = new KeyCollector();
        Assert.True(JsonLineScanner.IsPlainObject("{\"b\":{\"nested\":1},\"a\":2}"u8, keys));
        Assert.True(JsonLineScanner.IsPlainObject("{\"c\":3,\"a\":2}"u8, keys));
        Assert.Equal(["b", "a", "c"], keys.Names);
    }

    [Fact]
    public async Task Lines_keep_their_numbers_across_staging_blocks()
    {
        await using var w = new Workspace();
        // Well over two staging blocks, with bad and blank lines spread through them.
        var text = new StringBuilder();
        const int lines = 120_000;
        var bad = new List<long>();
        for (var n = 1; n <= lines; n++)
        {
            if (n % 9_973 == 0)
            {
                text.Append("{\"id\":").Append(n).Append(",\"pad\":\"").Append('x', 30).Append('\n');
                bad.Add(n);
            }
            else if (n % 7_919 == 0) text.Append("  \n");
            else text.Append("{\"id\":").Append(n).Append(",\"pad\":\"").Append('y', 60).Append("\"}\n");
        }
        var path = w.Write("big.jsonl", text.ToString());
        Assert.True(new FileInfo(path).Length > 2 * LineBlockReader.BlockBytes);
        var blanks = Enumerable.Range(1, lines).Count(n => n % 7_919 == 0 && n % 9_973 != 0);
        var s = (await w.RunAsync(Workspace.Source("big", SourceFormat.JsonLines, path))).Sources[0].Reconciled();
        Assert.Equal((lines - blanks, lines - blanks - (long)bad.Count, (long)bad.Count), (s.RowsRead, s.RowsLanded, s.RowsQuarantined));
        var mismatched = await w.QueryAsync(w.Runner.TableUri("big"), "SELECT count(*) FROM t WHERE id <> _source_line");
        Assert.Equal(0L, Workspace.Long(mismatched[0][0]));
        var quarantined = await w.QueryAsync(w.Runner.QuarantineUri("big"), "SELECT _source_line FROM t ORDER BY 1");
        Assert.Equal(bad, quarantined.Select(r => Workspace.Long(r[0])));
    }
}
