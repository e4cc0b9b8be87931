using Cdp.Delta;
using Cdp.Lake;
using Cdp.Lake.Storage;
using Cdp.Storage.Azure;
using Cdp.Testing;

namespace Cdp.Engine.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}

/// <summary>The whole stack (Delta log, DuckDB writer and reader, lake views) on Azure Blob Storage, served by Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class AzureLakeTests(AzuriteServer azurite)
{
    private LakeSession Session() => new(resolve: uri => ObjectStoreResolver.Resolve(uri, Environment));

    private string? Environment(string name) => name == AzureStorageLocation.ConnectionStringVariable ? azurite.ConnectionString : null;

    [Fact]
    public async Task WritesReadsMergesAndDeletesOnBlobStorage()
    {
        var container = await azurite.CreateContainerAsync();
        var uri = $"az://{container.Name}/lake/bronze/people";
        await using var lake = Session();
        var table = lake.OpenTable(uri);
        const string people = "SELECT i AS id, 'p' || i AS name, (['FR','DE'])[1 + (i % 2)::INT] AS country FROM range(20) r(i)";
        await lake.Writer.WriteAsync(table, people, WriteMode.Append, new WriteOptions { PartitionBy = ["country"] });
        for (var i = 0; i < 10; i++) await lake.Writer.WriteAsync(table, $"SELECT {100 + i} AS id, 'n' AS name, 'FR' AS country", WriteMode.Append);
        await lake.Writer.MergeAsync(table, "SELECT 1 AS id, 'one' AS name, 'DE' AS country", ["id"]);
        await lake.Writer.DeleteAsync(table, "id = 2");

        // A checkpoint was written to the container, and a fresh session reads the same rows from it.
        var blobs = container.GetBlobs().Select(b => b.Name).ToList();
        Assert.Contains("lake/bronze/people/_delta_log/00000000000000000010.checkpoint.parquet", blobs);
        Assert.Contains(blobs, b => b.StartsWith("lake/bronze/people/country=FR/", StringComparison.Ordinal));

        await using var reader = Session();
        var snapshot = await reader.SnapshotAsync(uri);
        Assert.Equal(12, snapshot.Version);
        var expected = $"SELECT * FROM ({people}) WHERE id NOT IN (1, 2) UNION ALL SELECT 1, 'one', 'DE' UNION ALL SELECT 100 + i, 'n', 'FR' FROM range(10) r(i)";
        await Assertions.SameRowsAsync(reader.Engine, expected, await reader.ScanAsync(uri, snapshot));

        var views = await reader.RegisterLakeAsync($"az://{container.Name}/lake");
        Assert.Equal(("bronze", "people"), (views.Single().Schema, views.Single().Name));
        Assert.Equal(29L, Assertions.Long((await reader.Engine.QueryAsync("SELECT count(*) FROM bronze.people")).Scalar));
    }

    [Fact]
    public async Task EightConcurrentWritersLoseNothingOnBlobStorage()
    {
        const int writers = 8, commits = 50;
        var container = await azurite.CreateContainerAsync();
        var uri = $"az://{container.Name}/concurrent";
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            await using var lake = Session();
            var table = lake.OpenTable(uri);
            for (var c = 0; c < commits; c++)
                await lake.Writer.WriteAsync(table, $"SELECT {w * 1000 + c}::BIGINT AS id, {w} AS writer", WriteMode.Append);
        })));

        await using var check = Session();
        var table = check.OpenTable(uri);
        var history = await table.GetHistoryAsync();
        Assert.Equal(writers * commits, history.Count);
        Assert.Equal(Enumerable.Range(0, writers * commits).Select(v => (long)v).Reverse(), history.Select(h => h.Version));
        var snapshot = await table.GetSnapshotAsync();
        var rows = await check.Engine.QueryAsync($"SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ({await check.ScanAsync(uri, snapshot)})");
        Assert.Equal(writers * commits, Assertions.Long(rows.Rows[0][0]));
        Assert.Equal(writers * commits, Assertions.Long(rows.Rows[0][1]));
        var ids = await check.Engine.QueryAsync($"SELECT id FROM ({await check.ScanAsync(uri, snapshot)}) ORDER BY id");
        var expected = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, commits).Select(c => (long)(w * 1000 + c))).Order();
        Assert.Equal(expected, ids.Rows.Select(r => Assertions.Long(r[0])));
    }

    [Fact]
    public async Task OpeningAMissingTableOnBlobStorageSaysSo()
    {
        var container = await azurite.CreateContainerAsync();
        await using var lake = Session();
        var e = await Assert.ThrowsAsync<DeltaException>(() => lake.SnapshotAsync($"az://{container.Name}/nothing/here"));
        Assert.Equal(DeltaErrorKind.NotATable, e.Kind);
        Assert.DoesNotContain(AzuriteServer.AccountKey, e.Message);
    }
}
