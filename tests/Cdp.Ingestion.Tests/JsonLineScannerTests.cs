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
    public void The_scanner_and_the_reader_record_the_same_kinds_of_value_for_each_key()
    {
        var lines = new[]
        {
            "{\"a\":1,\"b\":2.5,\"c\":\"x\",\"d\":true,\"e\":null,\"f\":{\"g\":1.5},\"h\":[1,[2]],\"i\":-1E3}",
            "{\"a\":null,\"b\":3,\"c\":\"y\",\"d\":false,\"e\":\"z\",\"f\":{\"g\":1},\"h\":[{\"k\":0.5}],\"i\":0}",
            // Another key order: kinds follow the key, not the position.
            "{\"c\":7,\"a\":2}",
        };
        var expected = new (string, JsonKinds)[]
        {
            ("a", JsonKinds.Integer | JsonKinds.Null),
            ("b", JsonKinds.Fraction | JsonKinds.Integer),
            ("c", JsonKinds.String | JsonKinds.Integer),
            ("d", JsonKinds.Bool),
            ("e", JsonKinds.Null | JsonKinds.String),
            ("f", JsonKinds.Object | JsonKinds.NestedFraction),
            ("h", JsonKinds.Array | JsonKinds.NestedFraction),
            ("i", JsonKinds.Fraction | JsonKinds.Integer),
        };
        var scanned = new KeyCollector();
        var read = new KeyCollector();
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            Assert.True(JsonLineScanner.IsPlainObject(bytes, scanned));
            Assert.Null(JsonLinesStager.Check(bytes, read));
        }
        Assert.Equal(expected, scanned.Seen());
        Assert.Equal(expected, read.Seen());
    }

    [Theory]
    [InlineData("BIGINT", JsonKinds.Integer | JsonKinds.Null, true)]
    [InlineData("BIGINT", JsonKinds.Integer | JsonKinds.Fraction, false)]
    [InlineData("UBIGINT", JsonKinds.String, false)]
    [InlineData("DOUBLE", JsonKinds.Integer | JsonKinds.Fraction, true)]
    [InlineData("DOUBLE", JsonKinds.Bool, false)]
    [InlineData("BOOLEAN", JsonKinds.Bool | JsonKinds.Null, true)]
    [InlineData("BOOLEAN", JsonKinds.Bool | JsonKinds.String, false)]
    [InlineData("BOOLEAN", JsonKinds.Integer, false)]
    [InlineData("VARCHAR", JsonKinds.String | JsonKinds.Integer | JsonKinds.Object, true)]
    [InlineData("DATE", JsonKinds.String, true)]
    [InlineData("TIMESTAMP", JsonKinds.Integer, false)]
    [InlineData("STRUCT(a BIGINT, b VARCHAR)", JsonKinds.Object, true)]
    [InlineData("STRUCT(a BIGINT, b VARCHAR)", JsonKinds.Object | JsonKinds.NestedFraction, false)]
    [InlineData("STRUCT(a DOUBLE, b VARCHAR)", JsonKinds.Object | JsonKinds.NestedFraction, true)]
    [InlineData("STRUCT(a BIGINT)", JsonKinds.Array, false)]
    [InlineData("BIGINT[]", JsonKinds.Array | JsonKinds.NestedFraction, false)]
    [InlineData("DOUBLE[]", JsonKinds.Array | JsonKinds.NestedFraction, true)]
    [InlineData("VARCHAR[]", JsonKinds.String, false)]
    public void A_kind_of_value_fits_a_type_only_when_duckdb_reads_it_unchanged(string type, object kinds, bool fits)
        => Assert.Equal(fits, Cdp.Ingestion.Running.JsonLinesInput.Fits(type, (JsonKinds)kinds));

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

/// <summary>The type sample the staging writes apart: the staged file's first lines, ready before the staging ends.</summary>
public sealed class JsonLinesSampleTests
{
    [Fact]
    public async Task The_sample_holds_the_first_staged_lines()
    {
        await using var w = new Workspace();
        var text = new StringBuilder();
        const int lines = JsonLinesStager.SampleLines + 5_000;
        for (var n = 1; n <= lines; n++)
        {
            // A bad line and a blank line among the first ones: the sample skips them as the staged file does.
            text.Append(n switch { 3 => "{\"id\":3,", 5 => "", _ => $"{{\"id\":{n}}}" }).Append('\n');
        }
        var input = w.Write("sample.jsonl", text.ToString());
        var folder = Directory.CreateTempSubdirectory("cdp-sample-test-").FullName;
        try
        {
            var sample = new TaskCompletionSource<string?>();
            var staged = await JsonLinesStager.StageAsync(input, false, folder, null, sample, CancellationToken.None);
            var path = await sample.Task;
            Assert.NotNull(path);
            var sampled = await File.ReadAllLinesAsync(path);
            var data = await File.ReadAllLinesAsync(staged.DataPath);
            Assert.Equal(lines - 2, data.Length);
            Assert.Equal(data.Take(JsonLinesStager.SampleLines), sampled);
            Assert.StartsWith("{\"_source_line\":4,", sampled[2], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("{\"id\":1}\n{\"id\":2}\n", 2)]
    [InlineData("{\"id\":1\nnot json\n", 0)]
    public async Task A_short_file_is_its_own_sample_and_a_file_without_data_has_none(string text, int sampleLines)
    {
        await using var w = new Workspace();
        var input = w.Write("short.jsonl", text);
        var folder = Directory.CreateTempSubdirectory("cdp-sample-test-").FullName;
        try
        {
            var sample = new TaskCompletionSource<string?>();
            await JsonLinesStager.StageAsync(input, false, folder, null, sample, CancellationToken.None);
            var path = await sample.Task;
            if (sampleLines == 0) Assert.Null(path);
            else Assert.Equal(sampleLines, (await File.ReadAllLinesAsync(path!)).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_staging_fails_the_sample_too()
    {
        await using var w = new Workspace();
        var folder = Directory.CreateTempSubdirectory("cdp-sample-test-").FullName;
        try
        {
            var sample = new TaskCompletionSource<string?>();
            await Assert.ThrowsAnyAsync<Exception>(() => JsonLinesStager.StageAsync(Path.Combine(folder, "missing.jsonl"), false, folder, null, sample, CancellationToken.None));
            await Assert.ThrowsAnyAsync<Exception>(() => sample.Task);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
