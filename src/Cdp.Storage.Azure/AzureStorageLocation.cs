using System.Text.RegularExpressions;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Cdp.Storage.Azure;

/// <summary>How a <see cref="AzureStorageLocation"/> authenticates, chosen from the environment.</summary>
public enum AzureCredentialSource
{
    /// <summary>AZURE_STORAGE_CONNECTION_STRING (its own endpoint applies).</summary>
    ConnectionString,

    /// <summary>AZURE_STORAGE_ACCOUNT_KEY for the account (AZURE_STORAGE_ACCOUNT_NAME absent or the same account).</summary>
    AccountKey,

    /// <summary>Azure.Identity's DefaultAzureCredential: environment service principal, managed identity, az login.</summary>
    DefaultAzureCredential,
}

/// <summary>
/// A table or lake location in Azure Blob Storage or ADLS Gen2, parsed from a URI, with the credential to use.
/// Accepted forms: <c>abfss://container@account.dfs.core.windows.net/path</c> (also <c>abfs</c>),
/// <c>wasbs://container@account.blob.core.windows.net/path</c> (also <c>wasb</c>), and <c>az://container/path</c>
/// or <c>azure://container/path</c> with the account from AZURE_STORAGE_ACCOUNT_NAME or the connection string.
/// AZURE_STORAGE_BLOB_ENDPOINT replaces the public endpoint (for Azurite: http://127.0.0.1:10000/devstoreaccount1).
/// </summary>
/// <remarks>Secrets are held privately; <see cref="ToString"/> and every property are safe to print.</remarks>
public sealed partial class AzureStorageLocation
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountNameVariable = "AZURE_STORAGE_ACCOUNT_NAME";
    public const string AccountKeyVariable = "AZURE_STORAGE_ACCOUNT_KEY";
    public const string BlobEndpointVariable = "AZURE_STORAGE_BLOB_ENDPOINT";

    private static readonly string[] HostSchemes = ["abfss", "abfs", "wasbs", "wasb"];
    private static readonly string[] ContainerSchemes = ["az", "azure"];

    // One credential per process: it caches tokens, so a store per table does not fetch a token per table.
    private static readonly Lazy<DefaultAzureCredential> SharedDefaultCredential = new(() => new DefaultAzureCredential());

    private readonly string? _connectionString;
    private readonly string? _accountKey;

    private AzureStorageLocation(string uri, string account, string container, string prefix, Uri blobEndpoint,
        AzureCredentialSource credentialSource, string? connectionString, string? accountKey)
    {
        Uri = uri;
        Account = account;
        Container = container;
        Prefix = prefix;
        BlobEndpoint = blobEndpoint;
        CredentialSource = credentialSource;
        _connectionString = connectionString;
        _accountKey = accountKey;
    }

    /// <summary>The URI as given, without a trailing '/'.</summary>
    public string Uri { get; }

    public string Account { get; }

    public string Container { get; }

    /// <summary>The key prefix of the location inside the container ("" for the container's root), without '/' at either end.</summary>
    public string Prefix { get; }

    /// <summary>The Blob service endpoint used unless the connection string names its own.</summary>
    public Uri BlobEndpoint { get; }

    public AzureCredentialSource CredentialSource { get; }

    /// <summary>True when the URI uses one of the Azure schemes (whether or not it is well formed).</summary>
    public static bool IsAzureUri(string uri)
    {
        var scheme = StorageUri.SchemeOf(uri);
        return scheme is not null && (HostSchemes.Contains(scheme) || ContainerSchemes.Contains(scheme));
    }

    /// <summary>
    /// Parses an Azure URI and chooses its credential from <paramref name="environment"/> (default: the process
    /// environment). Throws <see cref="ArgumentException"/> naming the URI when it is malformed or names no account.
    /// </summary>
    public static AzureStorageLocation Parse(string uri, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        environment ??= Environment.GetEnvironmentVariable;
        var scheme = StorageUri.SchemeOf(uri);
        if (scheme is null || !IsAzureUri(uri))
            throw Invalid(uri, "the scheme is not one of abfss, abfs, wasbs, wasb, az, azure");
        if (uri.IndexOfAny(['?', '#']) >= 0)
            throw Invalid(uri, "query strings and fragments (such as SAS tokens) are not accepted; pass credentials through the environment");

        var rest = uri[(scheme.Length + 1)..];
        if (!rest.StartsWith("//", StringComparison.Ordinal)) throw Invalid(uri, "expected '//' after the scheme");
        rest = rest[2..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var prefix = ParsePrefix(uri, slash < 0 ? "" : rest[(slash + 1)..]);

        var settings = AzureEnvironment.Read(environment);
        string container;
        string? account;
        if (HostSchemes.Contains(scheme))
            (container, account) = ParseHostAuthority(uri, authority);
        else
        {
            container = authority;
            account = (settings.AccountName ?? settings.ConnectionStringAccount)?.ToLowerInvariant();
            if (account is null)
                throw Invalid(uri, $"an {scheme}:// URI does not name the storage account: set {AccountNameVariable} or {ConnectionStringVariable}");
        }
        ValidateContainer(uri, container);
        ValidateAccount(uri, account);

        var endpoint = settings.BlobEndpoint ?? new Uri($"https://{account}.blob.{EndpointSuffix(authority, scheme)}");
        var (source, connectionString, accountKey) = ChooseCredential(settings, account);
        return new(uri.TrimEnd('/'), account, container, prefix, endpoint, source, connectionString, accountKey);
    }

    /// <summary>A client for the location's container, authenticated as <see cref="CredentialSource"/> says.</summary>
    public BlobContainerClient CreateContainerClient(BlobClientOptions? options = null)
    {
        options ??= AzureBlobObjectStore.CreateClientOptions();
        var containerUri = new Uri(BlobEndpoint.AbsoluteUri.TrimEnd('/') + "/" + Container);
        return CredentialSource switch
        {
            AzureCredentialSource.ConnectionString => new BlobContainerClient(_connectionString, Container, options),
            AzureCredentialSource.AccountKey => new BlobContainerClient(containerUri, new StorageSharedKeyCredential(Account, _accountKey), options),
            _ => new BlobContainerClient(containerUri, SharedDefaultCredential.Value, options),
        };
    }

    public override string ToString() => Uri;

    // A connection string or key meant for another account is skipped rather than sent to this one.
    private static (AzureCredentialSource, string?, string?) ChooseCredential(AzureEnvironment settings, string account)
    {
        if (settings.ConnectionString is not null
            && (settings.ConnectionStringAccount is null || Same(settings.ConnectionStringAccount, account)))
            return (AzureCredentialSource.ConnectionString, settings.ConnectionString, null);
        if (settings.AccountKey is not null && (settings.AccountName is null || Same(settings.AccountName, account)))
            return (AzureCredentialSource.AccountKey, null, settings.AccountKey);
        return (AzureCredentialSource.DefaultAzureCredential, null, null);
    }

    private static (string Container, string Account) ParseHostAuthority(string uri, string authority)
    {
        var at = authority.IndexOf('@');
        if (at <= 0)
            throw Invalid(uri, "expected <container>@<account>.dfs.core.windows.net (or .blob.) after the scheme");
        var host = authority[(at + 1)..];
        var dot = host.IndexOf('.');
        if (dot <= 0 || !HostPattern().IsMatch(host[dot..]))
            throw Invalid(uri, $"the host '{host}' is not <account>.dfs.<suffix> or <account>.blob.<suffix>");
        return (authority[..at], host[..dot].ToLowerInvariant());
    }

    // Hadoop-style URIs percent-encode the path; keys are the decoded text and obey the object-key rules.
    private static string ParsePrefix(string uri, string path)
    {
        var decoded = System.Uri.UnescapeDataString(path).Trim('/');
        try
        {
            return ObjectKey.Validate(decoded, allowEmpty: true);
        }
        catch (ArgumentException)
        {
            throw Invalid(uri, "the path must not contain empty, '.' or '..' segments or backslashes");
        }
    }

    private static string EndpointSuffix(string authority, string scheme)
    {
        if (ContainerSchemes.Contains(scheme)) return "core.windows.net";
        var host = authority[(authority.IndexOf('@') + 1)..];
        var afterAccount = host[(host.IndexOf('.') + 1)..];
        return afterAccount[(afterAccount.IndexOf('.') + 1)..];
    }

    private static void ValidateContainer(string uri, string container)
    {
        if (container is "$root" or "$web") return;
        if (!ContainerPattern().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
            throw Invalid(uri, $"'{container}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)");
    }

    private static void ValidateAccount(string uri, string account)
    {
        if (!AccountPattern().IsMatch(account))
            throw Invalid(uri, $"'{account}' is not a valid storage account name (3-24 lowercase letters and digits)");
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static ArgumentException Invalid(string uri, string why)
        => new($"Invalid Azure storage URI '{StorageUri.Redact(uri)}': {why}. Expected abfss://<container>@<account>.dfs.core.windows.net/<path>, "
               + "wasbs://<container>@<account>.blob.core.windows.net/<path> or az://<container>/<path>.", nameof(uri));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^\.(dfs|blob)\.[a-z0-9.-]+[a-z0-9]$", RegexOptions.IgnoreCase)]
    private static partial Regex HostPattern();
}
