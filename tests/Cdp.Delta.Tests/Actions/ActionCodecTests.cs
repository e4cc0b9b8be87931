using System.Text;
using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;

namespace Cdp.Delta.Tests.Actions;

public class ActionCodecTests
{
    private static readonly DeltaAction[] EveryAction =
    [
        new CommitInfo(new JsonObject
        {
            ["timestamp"] = 1700000000000,
            ["operation"] = "WRITE",
            ["operationParameters"] = new JsonObject { ["mode"] = "Append" },
            ["operationMetrics"] = new JsonObject { ["numFiles"] = "2" },
            ["engineInfo"] = "test",
        }),
        new Protocol(3, 7, ["timestampNtz"], ["appendOnly", "timestampNtz"]),
        new Protocol(1, 2),
        new Metadata("id-1", "customers", "a \"quoted\" description", "parquet", new Dictionary<string, string> { ["compression"] = "zstd" },
            TestTable.DefaultSchema, ["part"], new Dictionary<string, string> { ["delta.appendOnly"] = "true", ["delta.checkpointInterval"] = "5" }, 1234),
        new Metadata("id-2", null, null, "parquet", new Dictionary<string, string>(), TestTable.DefaultSchema, [], new Dictionary<string, string>(), null),
        new SetTransaction("app-1", 42, 1000),
        new SetTransaction("app-2", 0, null),
        new AddFile("part=a%20b/f%25.parquet", new Dictionary<string, string?> { ["part"] = "a b", ["other"] = null, ["empty"] = "" }, 10, 20, false,
            """{"numRecords":3,"minValues":{"id":1},"maxValues":{"id":9},"nullCount":{"id":0}}""", new Dictionary<string, string?> { ["tag"] = "x" }),
        new AddFile("plain.parquet", new Dictionary<string, string?>(), 0, 0, true),
        new AddFile("dv.parquet", new Dictionary<string, string?>(), 5, 6, true, null, null,
            new JsonObject { ["storageType"] = "u", ["pathOrInlineDv"] = "ab^-aqEH.-t@S}K{vb[*k^", ["offset"] = 4, ["sizeInBytes"] = 40, ["cardinality"] = 6 }),
        new RemoveFile("gone.parquet", 99, true, true, new Dictionary<string, string?> { ["part"] = "x" }, 10, """{"numRecords":3}"""),
        new RemoveFile("bare.parquet", null, false),
        new UnknownAction("domainMetadata", JsonNode.Parse("""{"domain":"d","configuration":"{}","removed":false}""")),
    ];

    [Fact]
    public void EveryActionSurvivesWriteThenRead()
    {
        var bytes = ActionCodec.SerializeCommit(EveryAction);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Equal(EveryAction.Length, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var parsed = ActionCodec.ParseCommit(bytes, "v.json");

        Assert.Equal(EveryAction.Length, parsed.Count);
        for (var i = 0; i < EveryAction.Length; i++) ActionAssert.Equal(EveryAction[i], parsed[i]);
        Assert.Equal(text, Encoding.UTF8.GetString(ActionCodec.SerializeCommit(parsed)));
    }

    [Fact]
    public void HostileStringsStayOnOneLine()
    {
        var path = "a\nb\r\"c\"\\d\u2028é😀\t.parquet";
        var add = new AddFile(path, new Dictionary<string, string?> { ["k\n"] = "v\"\n" }, 1, 1, true);
        var bytes = ActionCodec.SerializeCommit([add, add]);

        Assert.Equal(2, Encoding.UTF8.GetString(bytes).Count(c => c == '\n'));
        var parsed = ActionCodec.ParseCommit(bytes, "v.json");
        Assert.Equal(2, parsed.Count);
        ActionAssert.Equal(add, parsed[1]);
    }

    [Fact]
    public void UnknownActionsAndFieldsAreIgnored()
    {
        var commit = """
            {"commitInfo":{"timestamp":1,"operation":"WRITE","somethingNew":[1,2,3]}}
            {"add":{"path":"a.parquet","partitionValues":{},"size":7,"modificationTime":2,"dataChange":true,"baseRowId":5,"clusteringProvider":"liquid","futureStruct":{"x":[1]}}}
            {"domainMetadata":{"domain":"delta.rowTracking","configuration":"{}","removed":false}}
            {"checkpointMetadata":{"version":3}}
            {"remove":{"path":"b.parquet","deletionTimestamp":5,"dataChange":true,"newField":"x"}}
            {"txn":{"appId":"app","version":3,"lastUpdated":9,"extra":true}}
            {"protocol":{"minReaderVersion":1,"minWriterVersion":2,"futureList":["x"]}}
            """;

        var actions = ActionCodec.ParseCommit(Encoding.UTF8.GetBytes(commit), "v.json");

        Assert.Collection(actions,
            a => Assert.Equal("WRITE", Assert.IsType<CommitInfo>(a).Operation),
            a =>
            {
                var add = Assert.IsType<AddFile>(a);
                Assert.Equal(("a.parquet", 7L, 2L, true), (add.Path, add.Size, add.ModificationTime, add.DataChange));
            },
            a => Assert.Equal("domainMetadata", Assert.IsType<UnknownAction>(a).Name),
            a => Assert.Equal("checkpointMetadata", Assert.IsType<UnknownAction>(a).Name),
            a => Assert.Equal(("b.parquet", 5L), (Assert.IsType<RemoveFile>(a).Path, Assert.IsType<RemoveFile>(a).DeletionTimestamp)),
            a => Assert.Equal(new SetTransaction("app", 3, 9), a),
            a => Assert.Equal((1, 2), (Assert.IsType<Protocol>(a).MinReaderVersion, Assert.IsType<Protocol>(a).MinWriterVersion)));
    }

    [Fact]
    public async Task ReplayIgnoresUnknownActions()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(files: TestTable.File("a.parquet"));
        await t.WriteCommitAsync(1,
            """{"domainMetadata":{"domain":"x","configuration":"{}","removed":false}}""",
            """{"add":{"path":"b.parquet","partitionValues":{},"size":3,"modificationTime":0,"dataChange":true,"unknownField":1}}""",
            """{"futureAction":{"path":"a.parquet"}}""");

        var snapshot = await t.Table.GetSnapshotAsync();

        Assert.Equal(1, snapshot.Version);
        Assert.Equal(["a.parquet", "b.parquet"], snapshot.Files.Select(f => f.Path));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{}", "JSON object")]
    [InlineData("\"add\"", "JSON object")]
    [InlineData("""{"add":5}""", "")]
    [InlineData("""{"add":{"size":1,"partitionValues":{}}}""", "'path'")]
    [InlineData("""{"add":{"path":"a","size":"big"}}""", "add.size")]
    [InlineData("""{"add":{"path":7,"size":1}}""", "path")]
    [InlineData("""{"remove":{"deletionTimestamp":1}}""", "'path'")]
    [InlineData("""{"txn":{"appId":"a"}}""", "'version'")]
    [InlineData("""{"protocol":{"minReaderVersion":1}}""", "'minWriterVersion'")]
    // A metaData without schemaString parses; the snapshot refuses it (see the conformance catalogue).
    [InlineData("""{"protocol":{"minReaderVersion":1,"minWriterVersion":2,"readerFeatures":[null]}}""", "null")]
    public void MalformedLineNamesFileAndLine(string badLine, string why)
    {
        var content = Encoding.UTF8.GetBytes(
            """{"commitInfo":{"operation":"WRITE"}}""" + "\n\n" + badLine + "\n" + """{"add":{"path":"x","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}}""");

        var e = Assert.Throws<DeltaException>(() => ActionCodec.ParseCommit(content, "_delta_log/00000000000000000007.json"));

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("'_delta_log/00000000000000000007.json'", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3:", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedCommitFailsTheSnapshotNamingTheFile()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync();
        await t.AppendAsync("a.parquet");
        await t.WriteCommitAsync(2, """{"commitInfo":{}}""", """{"add":{"path":"b.parquet","size":"#"}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("_delta_log/00000000000000000002.json' line 2", e.Message, StringComparison.Ordinal);
        // Older versions do not need the broken file.
        Assert.Single((await t.Table.GetSnapshotAsync(1)).Files);
    }

    [Fact]
    public void BlankLinesAndCrLfAreTolerated()
    {
        var content = "\r\n{\"txn\":{\"appId\":\"a\",\"version\":1}}\r\n\r\n   \n{\"txn\":{\"appId\":\"b\",\"version\":2}}\r\n";

        var actions = ActionCodec.ParseCommit(Encoding.UTF8.GetBytes(content), "v.json");

        Assert.Equal([new SetTransaction("a", 1, null), new SetTransaction("b", 2, null)], actions);
    }

    [Fact]
    public void NullStatsAndPartitionValuesAreNulls()
    {
        var content = """
            {"add":{"path":"a","partitionValues":{"p":null,"q":"","r":"x"},"size":1,"modificationTime":0,"dataChange":true,"stats":null,"tags":null}}
            {"add":{"path":"b","size":1}}
            {"add":{"path":"c","partitionValues":{},"size":"12","modificationTime":null,"dataChange":null,"stats_parsed":{"numRecords":4,"minValues":{"id":1}}}}
            {"remove":{"path":"d","partitionValues":null,"deletionTimestamp":null,"size":null,"stats":null}}
            """;

        var actions = ActionCodec.ParseCommit(Encoding.UTF8.GetBytes(content), "v.json");

        var a = Assert.IsType<AddFile>(actions[0]);
        Assert.Null(a.Stats);
        Assert.Null(a.Tags);
        Assert.Null(a.PartitionValues["p"]);
        Assert.Equal("", a.PartitionValues["q"]);
        Assert.Equal("x", a.PartitionValues["r"]);
        var b = Assert.IsType<AddFile>(actions[1]);
        Assert.Empty(b.PartitionValues);
        Assert.Null(b.Stats);
        Assert.True(b.DataChange);
        var c = Assert.IsType<AddFile>(actions[2]);
        Assert.Equal(12, c.Size);
        Assert.Equal(0, c.ModificationTime);
        Assert.Equal(4, Cdp.Delta.Stats.FileStatistics.TryParse(c.Stats)!.NumRecords);
        var d = Assert.IsType<RemoveFile>(actions[3]);
        Assert.Null(d.PartitionValues);
        Assert.Null(d.DeletionTimestamp);
        Assert.Null(d.Size);
        Assert.Null(d.Stats);
    }

    [Fact]
    public void NullPartitionValuesAreWrittenForAddsAndDroppedForRemoves()
    {
        var values = new Dictionary<string, string?> { ["p"] = null, ["q"] = "1" };
        var text = Encoding.UTF8.GetString(ActionCodec.SerializeCommit(
        [
            new AddFile("a", values, 1, 1, true),
            new RemoveFile("a", 1, true, true, values, 1),
        ]));

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"partitionValues\":{\"p\":null,\"q\":\"1\"}", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"partitionValues\":{\"q\":\"1\"}", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointRowsWithOnlyNullColumnsHoldNoAction()
    {
        Assert.Null(ActionCodec.ParseAction(new JsonObject { ["txn"] = null, ["add"] = null }));
        // A checkpoint row as DuckDB renders it: MAP columns become key/value lists.
        var add = ActionCodec.ParseAction(JsonNode.Parse("""{"txn":null,"add":{"path":"a","size":1,"partitionValues":[{"key":"p","value":"v"}]}}""")!.AsObject());
        Assert.Equal("v", Assert.IsType<AddFile>(add).PartitionValues["p"]);
    }
}
