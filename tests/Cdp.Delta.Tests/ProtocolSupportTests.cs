using System.Text.Json;
using Cdp.Delta.Actions;
using Cdp.Delta.Tests.Fixtures;
using Cdp.Delta.Transactions;

namespace Cdp.Delta.Tests;

public class ProtocolSupportTests
{
    private static string MetadataLine(string configuration = "{}", string? schema = null)
        => """{"metaData":{"id":"m","format":{"provider":"parquet","options":{}},"schemaString":""" + JsonSerializer.Serialize(schema ?? TestTable.DefaultSchema)
            + ""","partitionColumns":[],"configuration":""" + configuration + "}}";

    private static string ProtocolLine(int reader, int writer)
        => $$"""{"protocol":{"minReaderVersion":{{reader}},"minWriterVersion":{{writer}}""" + "}}";

    private static async Task<TestTable> TableAsync(string protocolLine, string configuration = "{}", string? schema = null)
    {
        var t = TestTable.InMemory();
        await t.WriteCommitAsync(0, protocolLine, MetadataLine(configuration, schema),
            """{"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true}}""");
        return t;
    }

    [Theory]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}}""", "{}", "deletionVectors")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz","v2Checkpoint"],"writerFeatures":["v2Checkpoint"]}}""", "{}", "v2Checkpoint")]
    [InlineData("""{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}""", """{"delta.columnMapping.mode":"name"}""", "columnMapping")]
    [InlineData("""{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}""", """{"delta.columnMapping.mode":"id"}""", "columnMapping")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["columnMapping"],"writerFeatures":["columnMapping"]}}""", """{"delta.columnMapping.mode":"name"}""", "columnMapping")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["typeWidening"],"writerFeatures":["typeWidening"]}}""", "{}", "typeWidening")]
    public async Task UnsupportedReaderFeaturesAreRefusedByName(string protocol, string configuration, string feature)
    {
        var t = await TableAsync(protocol, configuration);

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.UnsupportedFeature, e.Kind);
        Assert.Contains($"reader feature '{feature}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("memory://", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 7)]
    [InlineData(0, 2)]
    [InlineData(-1, 2)]
    [InlineData(1, 8)]
    [InlineData(1, 0)]
    public async Task InvalidProtocolVersionsAreRefused(int reader, int writer)
    {
        var t = await TableAsync(ProtocolLine(reader, writer));

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.InvalidProtocol, e.Kind);
        Assert.Contains($"reader {reader} / writer {writer}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}""", "{}")]
    [InlineData("""{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}""", """{"delta.columnMapping.mode":"none"}""")]
    [InlineData("""{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}""", "{}")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}}""", "{}")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["columnMapping"],"writerFeatures":["columnMapping"]}}""", """{"delta.columnMapping.mode":"none"}""")]
    [InlineData("""{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],"writerFeatures":["identityColumns"]}}""", "{}")]
    public async Task SupportedProtocolsAreRead(string protocol, string configuration)
    {
        var t = await TableAsync(protocol, configuration);
        Assert.Single((await t.Table.GetSnapshotAsync()).Files);
    }

    [Theory]
    [InlineData(3, "checkConstraints")]
    [InlineData(4, "changeDataFeed")]
    [InlineData(5, "columnMapping")]
    [InlineData(6, "identityColumns")]
    public async Task LegacyWriterVersionsAboveTwoAreReadButNotWritten(int writer, string feature)
    {
        var t = await TableAsync(ProtocolLine(1, writer));
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Single(snapshot.Files);

        await AssertWriteRefusedAsync(t, feature);
    }

    [Theory]
    [InlineData("invariants")]
    [InlineData("checkConstraints")]
    [InlineData("rowTracking")]
    [InlineData("deletionVectors")]
    public async Task WriterFeaturesWeDoNotHonourAreRefusedOnWrite(string feature)
    {
        var t = await TableAsync($$$"""{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","{{{feature}}}"]}}""");
        await AssertWriteRefusedAsync(t, feature);
    }

    [Fact]
    public async Task WriterSevenWithAppendOnlyIsWritable()
    {
        var t = await TableAsync("""{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly"]}}""");
        Assert.Equal(1, (await t.AppendAsync("b.parquet")).Version);
    }

    [Fact]
    public async Task InvariantsOnWriterTwoAreRefusedOnWrite()
    {
        var schema = """{"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"x > 3\"}}"}}]},"nullable":true,"metadata":{}}]}""";
        var t = await TableAsync("""{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}""", schema: schema);
        await AssertWriteRefusedAsync(t, "invariants");
    }

    [Fact]
    public async Task CreatingATableWithAProtocolWeCannotWriteIsRefused()
    {
        var t = TestTable.InMemory();

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.CreateAsync(protocol: new Protocol(1, 4)));

        Assert.Equal(DeltaErrorKind.UnsupportedFeature, e.Kind);
        Assert.Empty(await t.KeysAsync());
    }

    [Fact]
    public async Task AppendOnlyTableRefusesRemovesButTakesAppends()
    {
        var t = TestTable.InMemory();
        await t.CreateAsync(new Dictionary<string, string> { ["delta.appendOnly"] = "TRUE" });
        await t.AppendAsync("a.parquet");

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.RemoveAsync("a.parquet"));

        Assert.Equal(DeltaErrorKind.AppendOnly, e.Kind);
        Assert.Contains("'DELETE'", e.Message, StringComparison.Ordinal);
        Assert.Contains("delta.appendOnly=true", e.Message, StringComparison.Ordinal);
        Assert.Equal([0L, 1], await t.CommitVersionsAsync());
        Assert.Equal(2, (await t.AppendAsync("b.parquet")).Version);
    }

    private static async Task AssertWriteRefusedAsync(TestTable t, string feature)
    {
        var append = await Assert.ThrowsAsync<DeltaException>(() => t.AppendAsync("b.parquet"));
        Assert.Equal(DeltaErrorKind.UnsupportedFeature, append.Kind);
        Assert.Contains(feature, append.Message, StringComparison.Ordinal);
        Assert.Contains("can be read but not written", append.Message, StringComparison.Ordinal);

        var vacuum = await Assert.ThrowsAsync<DeltaException>(() => Vacuum.RunAsync(t.Table, force: true));
        Assert.Equal(DeltaErrorKind.UnsupportedFeature, vacuum.Kind);
        Assert.Equal([0L], await t.CommitVersionsAsync());
    }
}
