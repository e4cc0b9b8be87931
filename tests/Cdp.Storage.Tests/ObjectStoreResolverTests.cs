using Cdp.Lake.Storage;
using Cdp.Storage.Azure;

namespace Cdp.Storage.Tests;

/// <summary>Which store a table or lake location resolves to, and the errors for locations it cannot serve.</summary>
public sealed class ObjectStoreResolverTests
{
    [Fact]
    public void A_relative_path_is_a_local_store_under_the_current_folder()
    {
        var store = Assert.IsType<LocalObjectStore>(ObjectStoreResolver.Resolve(Path.Combine("lake", "customers")));

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "lake", "customers"), store.RootPath);
    }

    [Fact]
    public void An_absolute_path_is_a_local_store_there()
    {
        var path = Path.Combine(Path.GetTempPath(), "cdp lake", "t");

        Assert.Equal(path, Assert.IsType<LocalObjectStore>(ObjectStoreResolver.Resolve(path)).RootPath);
    }

    [Theory]
    [InlineData("file:///tmp/a%20b/t", "/tmp/a b/t")]
    [InlineData("file://localhost/tmp/x/", "/tmp/x/")]
    [InlineData("file:/tmp/x", "/tmp/x")]
    [InlineData("FILE:///tmp/%C3%A9t%C3%A9%25/p=1", "/tmp/été%/p=1")]
    public void File_uris_are_percent_decoded_local_paths(string uri, string expected)
    {
        var store = Assert.IsType<LocalObjectStore>(ObjectStoreResolver.Resolve(uri));

        Assert.Equal(Path.GetFullPath(expected), store.RootPath);
    }

    [Theory]
    [InlineData("file://fileserver/share/t", "not this machine")]
    [InlineData("file:relative/t", "file:///absolute/path")]
    public void File_uris_that_are_not_local_absolute_paths_are_refused(string uri, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectStoreResolver.Resolve(uri));

        Assert.Contains($"'{uri}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://bucket/tables/t", "s3")]
    [InlineData("gs://bucket/t", "gs")]
    [InlineData("http://example.com/t", "http")]
    [InlineData("https://acct1.blob.core.windows.net/lake/t", "https")]
    [InlineData("hdfs://namenode/t", "hdfs")]
    public void Unknown_schemes_are_refused_naming_the_uri_and_what_works(string uri, string scheme)
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectStoreResolver.Resolve(uri));

        Assert.Equal("tableOrLakeUri", error.ParamName);
        Assert.Contains($"'{uri}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"scheme '{scheme}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("abfss://<container>@<account>.dfs.core.windows.net/<path>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://bucket/t?X-Amz-Signature=TOPSECRET", "s3://bucket/t?<redacted>")]
    [InlineData("http://user:TOPSECRET@example.com/t", "http://user:<redacted>@example.com/t")]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net/t?sig=TOPSECRET", "abfss://lake@acct1.dfs.core.windows.net/t?<redacted>")]
    public void Errors_never_repeat_secrets_from_the_uri(string uri, string shown)
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectStoreResolver.Resolve(uri));

        Assert.DoesNotContain("TOPSECRET", error.Message, StringComparison.Ordinal);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net/tables/t")]
    [InlineData("abfs://lake@acct1.dfs.core.windows.net/tables/t")]
    [InlineData("wasbs://lake@acct1.blob.core.windows.net/tables/t")]
    [InlineData("az://lake/tables/t")]
    [InlineData("azure://lake/tables/t")]
    public void Azure_uris_resolve_to_a_blob_store_shown_by_its_uri(string uri)
    {
        const string key = "a2V5LXRoYXQtbXVzdC1zdGF5LXByaXZhdGU=";
        var env = new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_NAME"] = "acct1", ["AZURE_STORAGE_ACCOUNT_KEY"] = key };

        var store = Assert.IsType<AzureBlobObjectStore>(ObjectStoreResolver.Resolve(uri, env.GetValueOrDefault));

        Assert.Equal(uri, store.Location);
        Assert.DoesNotContain(key, store.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_the_first_request_says_which_variables_to_set()
    {
        // With no key in the environment DefaultAzureCredential is tried; these machines have no Azure identity,
        // so it fails before any request to the (non-existent) account is sent.
        var store = ObjectStoreResolver.Resolve("az://lake/t", name => name == "AZURE_STORAGE_ACCOUNT_NAME" ? "cdpnocredentials" : null);

        var error = await Assert.ThrowsAsync<IOException>(() => store.ReadAllAsync("_delta_log/00000000000000000000.json"));

        Assert.Contains("No usable Azure credentials for 'az://lake/t'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_azure_uri_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectStoreResolver.Resolve("abfss://acct1.dfs.core.windows.net/t", _ => null));

        Assert.Contains("'abfss://acct1.dfs.core.windows.net/t'", error.Message, StringComparison.Ordinal);
    }
}
