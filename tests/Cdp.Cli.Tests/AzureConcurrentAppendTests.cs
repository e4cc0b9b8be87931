using Cdp.Cli.Tests.Support;
using Cdp.Lake;
using Cdp.Lake.Storage;
using Cdp.Storage.Azure;
using Cdp.Testing;
using Xunit.Abstractions;

namespace Cdp.Cli.Tests;

/// <summary>
/// 8 separate processes appending 50 times each to one new table on Azure Blob Storage (a real Azurite server):
/// put-if-absent with If-None-Match decides every race; afterwards 400 contiguous commits and every row once.
/// Processes run real <c>cdp lake append</c> command lines through the batch driver (see ConcurrentAppendTests).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AzureConcurrentAppendTests(AzuriteServer azurite, ITestOutputHelper output) : IClassFixture<AzuriteServer>, IDisposable
{
    private const int Writers = 8, Appends = 50, RowsPerAppend = 3;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Eight_processes_appending_50_times_each_to_blob_storage_lose_nothing()
    {
        var container = await azurite.CreateContainerAsync();
        var uri = $"az://{container.Name}/lake/bronze/events";
        var environment = new Dictionary<string, string> { [AzureStorageLocation.ConnectionStringVariable] = azurite.ConnectionString };
        var scripts = Enumerable.Range(0, Writers).Select(w => CdpProcess.WriteScript(_dir.Path($"w{w}.script"),
            Enumerable.Range(0, Appends).Select(i =>
            {
                var batch = (long)w * Appends + i;
                var file = Inputs.IdBatch(_dir.Path($"in/w{w}/b{i}.csv"), batch * RowsPerAppend + 1, RowsPerAppend, batch);
                return new[] { "lake", "append", uri, file, "--format", "json" };
            }))).ToList();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = await Task.WhenAll(scripts.Select(s => CdpProcess.RunDriverAsync(s, _dir.Root, TimeSpan.FromMinutes(10), environment)));
        output.WriteLine($"{Writers} processes x {Appends} appends on Azurite: {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var r in results) r.Succeeded();
        Assert.DoesNotContain(AzuriteServer.AccountKey, string.Concat(results.Select(r => r.Stdout + r.Stderr)));

        await using var lake = new LakeSession(resolve: u => ObjectStoreResolver.Resolve(u, n => environment.GetValueOrDefault(n)));
        var table = lake.OpenTable(uri);
        var history = await table.GetHistoryAsync();
        Assert.Equal(Enumerable.Range(0, Writers * Appends).Select(v => (long)v).Reverse(), history.Select(h => h.Version));
        var snapshot = await table.GetSnapshotAsync();
        var rows = await lake.Engine.QueryAsync($"SELECT id FROM ({await lake.ScanAsync(uri, snapshot)}) ORDER BY id");
        Assert.Equal(Enumerable.Range(1, Writers * Appends * RowsPerAppend).Select(i => (long)i), rows.Rows.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        // One data file per commit: the losers of the race to create the table discarded theirs.
        var dataFiles = container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "lake/bronze/events/", CancellationToken.None).Count(b => b.Name.EndsWith(".parquet", StringComparison.Ordinal) && !b.Name.Contains("/_delta_log/", StringComparison.Ordinal));
        Assert.Equal(Writers * Appends, dataFiles);
    }
}
