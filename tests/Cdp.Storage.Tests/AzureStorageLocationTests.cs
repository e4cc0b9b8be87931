using Cdp.Storage.Azure;

namespace Cdp.Storage.Tests;

/// <summary>Parsing Azure table URIs and choosing credentials from the environment (no server needed).</summary>
public sealed class AzureStorageLocationTests
{
    private const string Key = "c2VjcmV0LWtleS1kby1ub3QtcHJpbnQtbWUtMTIzNDU2Nzg5MA==";

    [Theory]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net/tables/customers", "acct1", "lake", "tables/customers", "https://acct1.blob.core.windows.net/")]
    [InlineData("abfs://lake@acct1.dfs.core.windows.net/", "acct1", "lake", "", "https://acct1.blob.core.windows.net/")]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net", "acct1", "lake", "", "https://acct1.blob.core.windows.net/")]
    [InlineData("wasbs://raw-data@acct1.blob.core.windows.net/t/", "acct1", "raw-data", "t", "https://acct1.blob.core.windows.net/")]
    [InlineData("abfss://lake@ACCT1.dfs.core.chinacloudapi.cn/t", "acct1", "lake", "t", "https://acct1.blob.core.chinacloudapi.cn/")]
    [InlineData("az://lake/tables/t", "envacct", "lake", "tables/t", "https://envacct.blob.core.windows.net/")]
    [InlineData("azure://lake/my%20table/p=1", "envacct", "lake", "my table/p=1", "https://envacct.blob.core.windows.net/")]
    public void Parses_every_accepted_form(string uri, string account, string container, string prefix, string endpoint)
    {
        var location = AzureStorageLocation.Parse(uri, Env(("AZURE_STORAGE_ACCOUNT_NAME", "envacct")));

        Assert.Equal(account, location.Account);
        Assert.Equal(container, location.Container);
        Assert.Equal(prefix, location.Prefix);
        Assert.Equal(endpoint, location.BlobEndpoint.AbsoluteUri);
        Assert.Equal(uri.TrimEnd('/'), location.Uri);
    }

    [Theory]
    [InlineData("abfss://acct1.dfs.core.windows.net/t", "<container>@<account>")]
    [InlineData("abfss://lake@/t", "is not <account>.dfs")]
    [InlineData("abfss://lake@acct1.example.com/t", "is not <account>.dfs")]
    [InlineData("abfss://Lake_1@acct1.dfs.core.windows.net/t", "not a valid container name")]
    [InlineData("abfss://a--b@acct1.dfs.core.windows.net/t", "not a valid container name")]
    [InlineData("abfss://lake@ab.dfs.core.windows.net/t", "not a valid storage account name")]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net/../t", "'..' segments")]
    [InlineData("abfss://lake@acct1.dfs.core.windows.net/a%2F%2Fb", "empty, '.' or '..' segments")]
    [InlineData("az:///t", "not a valid container name")]
    [InlineData("abfss:lake@acct1.dfs.core.windows.net/t", "expected '//'")]
    public void Malformed_uris_are_refused_naming_the_uri(string uri, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => AzureStorageLocation.Parse(uri, Env(("AZURE_STORAGE_ACCOUNT_NAME", "envacct"))));

        Assert.Contains($"'{uri}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("abfss://<container>@<account>.dfs.core.windows.net/<path>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sas_token_in_the_uri_is_refused_without_being_repeated()
    {
        var error = Assert.Throws<ArgumentException>(
            () => AzureStorageLocation.Parse("abfss://lake@acct1.dfs.core.windows.net/t?sv=2024&sig=TOPSECRETSIG", Env()));

        Assert.DoesNotContain("TOPSECRETSIG", error.Message, StringComparison.Ordinal);
        Assert.Contains("abfss://lake@acct1.dfs.core.windows.net/t", error.Message, StringComparison.Ordinal);
        Assert.Contains("SAS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_az_uri_without_an_account_says_which_variable_to_set()
    {
        var error = Assert.Throws<ArgumentException>(() => AzureStorageLocation.Parse("az://lake/t", Env()));

        Assert.Contains("'az://lake/t'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_az_uri_takes_the_account_from_the_connection_string()
    {
        var location = AzureStorageLocation.Parse("az://lake/t", Env(("AZURE_STORAGE_CONNECTION_STRING", ConnectionString("connacct"))));

        Assert.Equal("connacct", location.Account);
        Assert.Equal(AzureCredentialSource.ConnectionString, location.CredentialSource);
    }

    [Theory]
    [InlineData("acct1", null, null, AzureCredentialSource.ConnectionString)]
    [InlineData("ACCT1", null, null, AzureCredentialSource.ConnectionString)]
    [InlineData("other", "acct1", Key, AzureCredentialSource.AccountKey)]
    [InlineData("other", null, Key, AzureCredentialSource.AccountKey)]
    [InlineData("other", null, null, AzureCredentialSource.DefaultAzureCredential)]
    [InlineData(null, "acct1", Key, AzureCredentialSource.AccountKey)]
    [InlineData(null, "other", Key, AzureCredentialSource.DefaultAzureCredential)]
    [InlineData(null, "acct1", null, AzureCredentialSource.DefaultAzureCredential)]
    [InlineData(null, null, null, AzureCredentialSource.DefaultAzureCredential)]
    public void Credentials_come_from_the_environment_in_order(
        string? connectionStringAccount, string? accountName, string? accountKey, AzureCredentialSource expected)
    {
        var env = Env(
            ("AZURE_STORAGE_CONNECTION_STRING", connectionStringAccount is null ? null : ConnectionString(connectionStringAccount)),
            ("AZURE_STORAGE_ACCOUNT_NAME", accountName),
            ("AZURE_STORAGE_ACCOUNT_KEY", accountKey));

        Assert.Equal(expected, AzureStorageLocation.Parse("abfss://lake@acct1.dfs.core.windows.net/t", env).CredentialSource);
    }

    [Theory]
    [InlineData("BlobEndpoint=https://acct1.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=abc")]
    [InlineData("UseDevelopmentStorage=true")]
    public void A_connection_string_naming_no_other_account_is_used(string connectionString)
    {
        var uri = connectionString.StartsWith("Use", StringComparison.Ordinal)
            ? "abfss://lake@devstoreaccount1.dfs.core.windows.net/t"
            : "abfss://lake@acct1.dfs.core.windows.net/t";

        var location = AzureStorageLocation.Parse(uri, Env(("AZURE_STORAGE_CONNECTION_STRING", connectionString)));

        Assert.Equal(AzureCredentialSource.ConnectionString, location.CredentialSource);
    }

    [Fact]
    public void The_endpoint_override_replaces_the_public_endpoint()
    {
        var location = AzureStorageLocation.Parse("az://lake/t", Env(
            ("AZURE_STORAGE_ACCOUNT_NAME", "devstoreaccount1"),
            ("AZURE_STORAGE_ACCOUNT_KEY", Key),
            ("AZURE_STORAGE_BLOB_ENDPOINT", "http://127.0.0.1:10000/devstoreaccount1")));

        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", location.BlobEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/lake", location.CreateContainerClient().Uri.AbsoluteUri);
    }

    [Fact]
    public void A_malformed_endpoint_override_names_the_variable()
    {
        var error = Assert.Throws<ArgumentException>(() => AzureStorageLocation.Parse("az://lake/t", Env(
            ("AZURE_STORAGE_ACCOUNT_NAME", "acct1"), ("AZURE_STORAGE_BLOB_ENDPOINT", "127.0.0.1:10000"))));

        Assert.Contains("AZURE_STORAGE_BLOB_ENDPOINT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_printable_contains_the_secrets()
    {
        var withKey = AzureStorageLocation.Parse("abfss://lake@acct1.dfs.core.windows.net/t",
            Env(("AZURE_STORAGE_ACCOUNT_KEY", Key)));
        var withConnectionString = AzureStorageLocation.Parse("abfss://lake@acct1.dfs.core.windows.net/t",
            Env(("AZURE_STORAGE_CONNECTION_STRING", ConnectionString("acct1"))));

        foreach (var location in new[] { withKey, withConnectionString })
        {
            var printed = string.Join("|", location.ToString(), location.Uri, location.BlobEndpoint,
                AzureBlobObjectStore.Open(location).Location);
            Assert.DoesNotContain(Key, printed, StringComparison.Ordinal);
            Assert.Equal("abfss://lake@acct1.dfs.core.windows.net/t", AzureBlobObjectStore.Open(location).Location);
        }
    }

    private static string ConnectionString(string account)
        => $"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={Key};EndpointSuffix=core.windows.net";

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables)
    {
        var map = variables.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
