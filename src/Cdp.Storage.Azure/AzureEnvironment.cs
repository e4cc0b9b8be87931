namespace Cdp.Storage.Azure;

/// <summary>The Azure storage settings found in the environment. Holds secrets: never print it.</summary>
internal sealed record AzureEnvironment(
    string? ConnectionString,
    string? ConnectionStringAccount,
    string? AccountName,
    string? AccountKey,
    Uri? BlobEndpoint)
{
    /// <summary>The account Azurite and the legacy storage emulator serve ("UseDevelopmentStorage=true").</summary>
    private const string DevelopmentAccount = "devstoreaccount1";

    public static AzureEnvironment Read(Func<string, string?> environment)
    {
        var connectionString = NonEmpty(environment(AzureStorageLocation.ConnectionStringVariable));
        var endpointText = NonEmpty(environment(AzureStorageLocation.BlobEndpointVariable));
        Uri? endpoint = null;
        if (endpointText is not null
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException(
                $"{AzureStorageLocation.BlobEndpointVariable} must be an http(s) URL such as http://127.0.0.1:10000/devstoreaccount1, not '{StorageUri.Redact(endpointText)}'.");
        }
        return new AzureEnvironment(
            connectionString,
            connectionString is null ? null : AccountOf(connectionString),
            NonEmpty(environment(AzureStorageLocation.AccountNameVariable)),
            NonEmpty(environment(AzureStorageLocation.AccountKeyVariable)),
            endpoint);
    }

    /// <summary>The AccountName a connection string names, or null (for example a SAS-only connection string).</summary>
    internal static string? AccountOf(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (name.Equals("AccountName", StringComparison.OrdinalIgnoreCase)) return value;
            if (name.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
                && value.Equals("true", StringComparison.OrdinalIgnoreCase))
                return DevelopmentAccount;
        }
        return null;
    }

    // A record prints its members by default; this one holds keys.
    public override string ToString() => nameof(AzureEnvironment);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
