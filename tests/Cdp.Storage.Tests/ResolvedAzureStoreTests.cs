using Cdp.Lake.Storage;
using Cdp.Storage.Azure;
using Cdp.Testing;

namespace Cdp.Storage.Tests;

/// <summary>Table URIs resolved with credentials from the environment, against a real Azurite server.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResolvedAzureStoreTests(AzuriteServer azurite)
{
    [Fact]
    public async Task An_abfss_uri_with_a_connection_string_reads_and_writes_under_its_path()
    {
        var container = await azurite.CreateContainerAsync();
        var uri = $"abfss://{container.Name}@{AzuriteServer.AccountName}.dfs.core.windows.net/tables/customers";
        var env = Env(("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString));

        var store = ObjectStoreResolver.Resolve(uri, env);
        Assert.True(await store.PutIfAbsentAsync("_delta_log/00000000000000000000.json", "{\"commitInfo\":{}}"u8.ToArray()));

        var blob = container.GetBlobClient("tables/customers/_delta_log/00000000000000000000.json");
        Assert.Equal("{\"commitInfo\":{}}", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(uri, store.Location);
    }

    [Fact]
    public async Task An_az_uri_with_account_key_and_endpoint_override_reaches_azurite()
    {
        var container = await azurite.CreateContainerAsync();
        var env = Env(
            ("AZURE_STORAGE_ACCOUNT_NAME", AzuriteServer.AccountName),
            ("AZURE_STORAGE_ACCOUNT_KEY", AzuriteServer.AccountKey),
            ("AZURE_STORAGE_BLOB_ENDPOINT", azurite.BlobEndpoint));

        var store = ObjectStoreResolver.Resolve($"az://{container.Name}/lake/t2", env);
        await store.WriteAsync("data/part-0.parquet", new byte[] { 1, 2, 3 });

        Assert.True((await container.GetBlobClient("lake/t2/data/part-0.parquet").ExistsAsync()).Value);
        Assert.Equal(new byte[] { 2, 3 }, await store.ReadRangeAsync("data/part-0.parquet", 1, 10));
    }

    [Fact]
    public async Task A_wrong_account_key_fails_naming_the_uri_but_not_the_key()
    {
        var container = await azurite.CreateContainerAsync();
        var wrongKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        var uri = $"az://{container.Name}/t";
        var env = Env(
            ("AZURE_STORAGE_ACCOUNT_NAME", AzuriteServer.AccountName),
            ("AZURE_STORAGE_ACCOUNT_KEY", wrongKey),
            ("AZURE_STORAGE_BLOB_ENDPOINT", azurite.BlobEndpoint));
        var store = ObjectStoreResolver.Resolve(uri, env);

        var error = await Assert.ThrowsAsync<IOException>(() => store.ReadAllAsync("_delta_log/00000000000000000000.json"));

        Assert.Contains(uri, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_uri_naming_a_missing_container_says_so_on_write()
    {
        var uri = $"abfss://nosuchcontainer{Guid.NewGuid().ToString("N")[..8]}@{AzuriteServer.AccountName}.dfs.core.windows.net/t";
        var store = ObjectStoreResolver.Resolve(uri, Env(("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString)));

        var error = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("x", new byte[] { 1 }));

        Assert.Contains($"The container of '{uri}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.IsType<AzureBlobObjectStore>(store);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
