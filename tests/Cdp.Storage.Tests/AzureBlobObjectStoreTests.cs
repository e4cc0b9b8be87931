using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Cdp.Storage.Azure;
using Cdp.Testing;

namespace Cdp.Storage.Tests;

/// <summary>
/// The contract on Azure Blob Storage as Azurite serves it, with the store rooted at a key prefix inside a fresh
/// container, plus what only a remote store has: paging, lost responses, folder markers, credentials.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobObjectStoreTests(AzuriteServer azurite) : ObjectStoreContract
{
    private const string Root = "lake/table";
    private BlobContainerClient _container = null!;

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        _container = await azurite.CreateContainerAsync(AzureBlobObjectStore.CreateClientOptions());
        return new AzureBlobObjectStore(_container, Root);
    }

    [Fact]
    public async Task Listing_follows_continuation_across_pages()
    {
        var store = new AzureBlobObjectStore(_container, Root) { ListPageSize = 2 };
        var keys = Enumerable.Range(0, 7).Select(i => $"_delta_log/{i:D20}.json").ToList();
        foreach (var key in keys) await store.WriteAsync(key, Bytes(key));

        Assert.Equal(keys, await Keys(store, "_delta_log/"));
        Assert.Equal(keys[3..], await Keys(store, "_delta_log/", keys[2]));
    }

    [Fact]
    public async Task The_store_sees_only_its_own_prefix_and_writes_under_it()
    {
        foreach (var name in new[] { "lake/tablex", "lake/table-other/x", "lake/tabl", "other/y", "lake/table" })
            await _container.GetBlobClient(name).UploadAsync(BinaryData.FromString("outside"));

        await Put("k", "inside");

        Assert.Equal(["k"], await ListKeys(""));
        Assert.Equal("inside", (await _container.GetBlobClient("lake/table/k").DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Folder_markers_of_hierarchical_accounts_are_not_objects()
    {
        // ADLS Gen2 shows each directory to the Blob API as an empty blob with this metadata.
        var marker = _container.GetBlobClient("lake/table/_delta_log");
        await marker.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["hdi_isfolder"] = "true" } });
        await Put("_delta_log/00000000000000000000.json", "{}");

        Assert.Equal(["_delta_log/00000000000000000000.json"], await ListKeys(""));
    }

    [Fact]
    public async Task Put_if_absent_whose_response_is_lost_still_reports_its_own_write()
    {
        var losing = new LoseFirstConditionalPutResponse();
        var options = AzureBlobObjectStore.CreateClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(losing, HttpPipelinePosition.PerRetry);
        var store = new AzureBlobObjectStore(new BlobContainerClient(azurite.ConnectionString, _container.Name, options), Root);

        Assert.True(await store.PutIfAbsentAsync("_delta_log/1.json", Bytes("mine")));

        Assert.True(losing.Dropped, "the test policy should have dropped the first response");
        Assert.Equal("mine", await ReadText("_delta_log/1.json"));
        Assert.False(await store.PutIfAbsentAsync("_delta_log/1.json", Bytes("again")));
    }

    [Fact]
    public async Task Local_copy_is_reused_while_the_size_matches()
    {
        var cache = Path.Combine(Scratch, "cache");
        await Put("part.parquet", "original");
        var path = await Store.GetLocalPathAsync("part.parquet", cache);
        Assert.StartsWith(cache, path, StringComparison.Ordinal);

        // Same size: the cached copy is trusted (objects in a table are immutable), so the edit shows through.
        await File.WriteAllTextAsync(path, "ORIGINAL");
        Assert.Equal("ORIGINAL", await File.ReadAllTextAsync(await Store.GetLocalPathAsync("part.parquet", cache)));

        await File.WriteAllTextAsync(path, "truncated");
        Assert.Equal("original", await File.ReadAllTextAsync(await Store.GetLocalPathAsync("part.parquet", cache)));
        Assert.Empty(Directory.EnumerateFiles(cache, ".cdp-tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Location_is_the_container_url_and_prefix_without_the_key()
    {
        Assert.Equal($"{azurite.BlobEndpoint}/{_container.Name}/{Root}", Store.Location);
        Assert.DoesNotContain(AzuriteServer.AccountKey, Store.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_container_lists_nothing_and_refuses_writes_clearly()
    {
        var store = new AzureBlobObjectStore(new BlobContainerClient(azurite.ConnectionString, "absent" + Guid.NewGuid().ToString("N")[..8]), Root);

        Assert.Empty(await Keys(store, ""));
        Assert.Null(await store.GetInfoAsync("x"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.ReadAllAsync("x"));
        Assert.False(await store.DeleteAsync("x"));
        var error = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("x", Bytes("y")));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains(store.Location, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_reported_as_refused_access_without_the_key()
    {
        var wrongKey = Convert.ToBase64String(RandomBytes(64));
        var client = new BlobContainerClient(_container.Uri, new StorageSharedKeyCredential(AzuriteServer.AccountName, wrongKey));
        var store = new AzureBlobObjectStore(client, Root);

        var error = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("x", Bytes("y")));

        Assert.Contains("refused access", error.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_after_bounded_retries_naming_the_location()
    {
        var options = AzureBlobObjectStore.CreateClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        // Port 1 on loopback refuses connections.
        var client = new BlobContainerClient(new Uri($"http://127.0.0.1:1/{AzuriteServer.AccountName}/c1"),
            new StorageSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey), options);
        var store = new AzureBlobObjectStore(client, Root);

        var error = await Assert.ThrowsAsync<IOException>(() => store.ReadAllAsync("x"));

        Assert.Contains(store.Location, error.Message, StringComparison.Ordinal);
        Assert.Contains("2 attempts", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> Keys(IObjectStore store, string prefix, string? startAfter = null)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(prefix, startAfter)) keys.Add(info.Key);
        return keys;
    }

    /// <summary>
    /// Lets the first conditional create reach Azurite, then throws as if the connection dropped before the
    /// response arrived, so the client's retry policy sends it again.
    /// </summary>
    private sealed class LoseFirstConditionalPutResponse : HttpPipelinePolicy
    {
        public bool Dropped { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            DropOnce(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            DropOnce(message);
        }

        private void DropOnce(HttpMessage message)
        {
            var conditional = message.Request.Method == RequestMethod.Put
                              && message.Request.Headers.TryGetValue("If-None-Match", out var value) && value == "*";
            if (Dropped || !conditional || message.Response.Status != 201) return;
            Dropped = true;
            throw new IOException("Simulated connection reset after the service stored the blob.");
        }
    }
}
