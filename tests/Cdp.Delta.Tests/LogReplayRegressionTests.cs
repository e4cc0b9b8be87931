using System.Text;
using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;
using Cdp.Storage;

namespace Cdp.Delta.Tests;

/// <summary>Replay defects found by the conformance suite (delta-io/delta golden tables), pinned on small logs.</summary>
public class LogReplayRegressionTests
{
    private const string Protocol = """{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}""";
    private const string Metadata = """{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}}""";

    [Theory]
    [InlineData("/abs/with%20space/p@%23h", "file:/abs/with%20space/p@%23h")]
    [InlineData("/abs/with%20space/p@%23h", "file:///abs/with%20space/p@%23h")]
    [InlineData("file:///abs/path", "/abs/path")]
    [InlineData("part=a%20b/f.parquet", "part=a b/f.parquet")]
    public async Task RemoveCancelsAddWhateverTheSpellingOfThePath(string added, string removed)
    {
        var table = await TableAsync(
            $"{Protocol}\n{Metadata}\n{Add(added)}",
            $$$"""{"remove":{"path":"{{{removed}}}","deletionTimestamp":200,"dataChange":true}}""");

        var snapshot = await table.GetSnapshotAsync();

        Assert.Empty(snapshot.Files);
        Assert.Single(snapshot.Tombstones);
    }

    [Fact]
    public async Task DifferentFilesStayApart()
    {
        var table = await TableAsync($"{Protocol}\n{Metadata}\n{Add("a%20b.parquet")}\n{Add("a%2520b.parquet")}");

        var snapshot = await table.GetSnapshotAsync();

        Assert.Equal(2, snapshot.Files.Count);
    }

    [Fact]
    public async Task MissingProtocolIsNamedEvenWhenMetadataHasNoSchema()
    {
        var table = await TableAsync("""{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"partitionColumns":[],"configuration":{}}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("no 'protocol' action", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataWithoutSchemaIsRefusedNamingTheField()
    {
        var table = await TableAsync(Protocol + "\n" + """{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"partitionColumns":[],"configuration":{}}}""");

        var e = await Assert.ThrowsAsync<DeltaException>(() => table.GetSnapshotAsync());

        Assert.Equal(DeltaErrorKind.MalformedLog, e.Kind);
        Assert.Contains("schemaString", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/root/t/a%20b.parquet", "a b.parquet")]
    [InlineData("file:/root/t/a%20b.parquet", "a b.parquet")]
    [InlineData("file:///root/t/p@%23h", "p@#h")]
    [InlineData("x=A%252FA/f.parquet", "x=A%2FA/f.parquet")]
    public void ToKeyDecodesOnceAndMakesPathsInsideTheTableRelative(string path, string key)
        => Assert.Equal(key, DeltaPath.ToKey("/root/t", path));

    [Theory]
    [InlineData("/elsewhere/f.parquet")]
    [InlineData("file:/elsewhere/f.parquet")]
    [InlineData("file://host/root/t/f.parquet")]
    [InlineData("s3://bucket/root/t/f.parquet")]
    [InlineData("..//Users/x/f.parquet")]
    [InlineData("a/../../f.parquet")]
    public void ToKeyRefusesPathsOutsideTheTable(string path)
    {
        var e = Assert.Throws<DeltaException>(() => DeltaPath.ToKey("/root/t", path));
        Assert.Equal(DeltaErrorKind.MissingFile, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static string Add(string path) => $$$"""{"add":{"path":"{{{path}}}","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}""";

    private static async Task<DeltaTable> TableAsync(params string[] commits)
    {
        var store = new InMemoryObjectStore();
        for (var v = 0; v < commits.Length; v++)
            await store.WriteAsync($"_delta_log/{v:D20}.json", Encoding.UTF8.GetBytes(commits[v] + "\n"));
        return new DeltaTable(store, new NoCheckpoints());
    }

    private sealed class NoCheckpoints : ICheckpointFormat
    {
        public Task<IReadOnlyList<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<ObjectInfo> parts, CancellationToken cancellationToken)
            => throw new InvalidOperationException("these logs have no checkpoint");

        public Task WriteAsync(IObjectStore store, string key, IReadOnlyList<DeltaAction> actions, StructType tableSchema, CancellationToken cancellationToken)
            => throw new InvalidOperationException("these tests do not write");
    }
}
