using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;
using Cdp.Engine;
using Cdp.Storage.Azure;
using Cdp.Testing;

namespace Cdp.Activation.Tests;

/// <summary>File drops into an Azure Blob container as Azurite serves it on 127.0.0.1.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobFileDropTests(AzuriteServer azurite)
{
    private const string Prefix = "drops/tills";

    [Theory]
    [InlineData(FileDropFormat.Csv)]
    [InlineData(FileDropFormat.Parquet)]
    public async Task BlobDropPublishesTheManifestLastAndNeverTwice(FileDropFormat format)
    {
        await using var engine = new DuckDbEngine();
        var container = await azurite.CreateContainerAsync(AzureBlobObjectStore.CreateClientOptions());
        var blob = new AzureBlobObjectStore(container, Prefix);
        var watched = new WatchedObjectStore(blob);
        var drop = new FileDropDestination(new FileDropOptions("till", "email", watched, new DestinationLimits(100, 1, 100)) { Format = format }, engine);
        var batch = FileDropTests.Batch("msg_1",
            new SyncRecord(1, SyncOperation.Add, "fp", ["a@example.com", null, ""]),
            new SyncRecord(2, SyncOperation.Add, "fp", ["Zoë \"Z\", O'Brien", "🎉", "line\r\nbreak"])) with { Audience = "win back/\"vip\"" };
        var audience = drop.AudiencePrefix(batch.Audience);
        var outage = true;
        var checkedAtManifest = 0;
        watched.BeforeWrite = async key =>
        {
            if (!key.EndsWith(".manifest.json", StringComparison.Ordinal)) return;
            // What a reader sees the moment the manifest is about to appear: the complete data file, and no manifest yet.
            var blobs = await Names(container);
            Assert.DoesNotContain(blobs, n => n.EndsWith(".manifest.json", StringComparison.Ordinal));
            var data = Assert.Single(blobs);
            var bytes = (await container.GetBlobClient(data).DownloadContentAsync()).Value.Content.ToArray();
            Assert.StartsWith(Path.GetFileName(data)[..("msg_1.".Length + 16)], "msg_1." + Convert.ToHexStringLower(SHA256.HashData(bytes)), StringComparison.Ordinal);
            checkedAtManifest++;
            if (outage)
            {
                outage = false;
                throw new IOException("storage outage (test)");
            }
        };

        // The first attempt dies between the data file and the manifest: nothing is published.
        await Assert.ThrowsAsync<IOException>(() => drop.SendAsync(batch, default));
        Assert.Empty(await DropReader.ReadAsync(blob, audience, engine));
        Assert.Single(await Names(container));

        // The retry writes the same bytes under the same name, then the manifest.
        Assert.Equal(DeliveryStatus.Accepted, (await drop.SendAsync(batch, default)).Status);
        Assert.Equal(2, checkedAtManifest);
        var published = Assert.Single(await DropReader.ReadAsync(blob, audience, engine));
        Assert.Equal([["add", "1", "a@example.com", null, ""], ["add", "2", "Zoë \"Z\", O'Brien", "🎉", "line\r\nbreak"]], published.Rows);
        Assert.Equal(format == FileDropFormat.Csv ? "csv" : "parquet", published.Manifest.GetProperty("format").GetString());
        Assert.Equal($"{Prefix}/{audience}/msg_1.manifest.json", (await Names(container)).Single(n => n.EndsWith(".manifest.json", StringComparison.Ordinal)));
        var before = await ETags(container);
        Assert.Equal(2, before.Count);

        // A resend (even with other records under the same batch id) writes nothing.
        await drop.SendAsync(batch with { Records = [new SyncRecord(3, SyncOperation.Add, "fp", ["other", null, null])] }, default);
        Assert.Equal(before, await ETags(container));
        Assert.Equal(2, checkedAtManifest);
    }

    [Fact]
    public async Task SyncIntoABlobContainerHoldsTheIntendedMembership()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(200);
        var container = await azurite.CreateContainerAsync(AzureBlobObjectStore.CreateClientOptions());
        var watched = new WatchedObjectStore(new AzureBlobObjectStore(container));
        var failures = 0;
        // The first manifest write of the run fails as a storage outage would; the executor retries that batch.
        watched.BeforeWrite = key => key.EndsWith(".manifest.json", StringComparison.Ordinal) && Interlocked.Increment(ref failures) == 1
            ? throw new IOException("storage outage (test)")
            : Task.CompletedTask;
        var drop = new FileDropDestination(new FileDropOptions("till", "email", watched, SyncFixture.FastLimits(batch: 50, concurrency: 3, rate: 200))
        {
            Prefix = "exports",
        });

        var report = (await fx.NewSync().RunAsync([new(drop, fx.Request(drop, "receipts/../x"))], "run-1"))[0];

        Assert.True(report.Complete, report.Error);
        Assert.True(failures > 1);
        var audience = drop.AudiencePrefix("receipts/../x");
        var drops = await DropReader.ReadAsync(drop.Store, audience, fx.Engine);
        Assert.Equal(4, drops.Count); // 170 qualifying people in batches of 50
        await FileDropTests.AssertHoldsIntendedAsync(fx, drops, ["run-1"]);
        // The container holds exactly the manifests and the files they name: no duplicate, no orphan from the outage.
        var expected = drops.SelectMany(d => new[] { d.ManifestKey, audience + "/" + d.Manifest.GetProperty("file").GetString() }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, await Names(container));
    }

    private static async Task<List<string>> Names(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync()) names.Add(item.Name);
        return names.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<Dictionary<string, string>> ETags(BlobContainerClient container)
    {
        var tags = new Dictionary<string, string>();
        await foreach (var item in container.GetBlobsAsync()) tags[item.Name] = item.Properties.ETag!.Value.ToString();
        return tags;
    }
}
