using Azure;
using Azure.Identity;

namespace Cdp.Storage.Azure;

/// <summary>
/// Turns Azure SDK failures into the errors users see. Messages name the location and key, say what to do,
/// and carry only the status and error code: the SDK's own message lists request headers, and we keep it
/// as the inner exception rather than repeating it.
/// </summary>
internal static class AzureErrors
{
    private const string CredentialHelp =
        $"set {AzureStorageLocation.ConnectionStringVariable}, or {AzureStorageLocation.AccountNameVariable} and {AzureStorageLocation.AccountKeyVariable}, "
        + "or sign in for DefaultAzureCredential (az login, managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)";

    // When every attempt fails without a response the retry policy throws an AggregateException of the attempts.
    public static bool IsAzureFailure(Exception e)
        => e is RequestFailedException or AuthenticationFailedException
           || (e is AggregateException a && a.InnerExceptions.Any(i => i is RequestFailedException));

    /// <summary>The object (or its whole container) does not exist.</summary>
    public static bool IsNotFound(Exception e) => e is RequestFailedException { Status: 404 };

    public static Exception Translate(Exception e, string location, string? key)
    {
        var what = key is null ? $"'{location}'" : $"'{key}' in '{location}'";
        return e switch
        {
            RequestFailedException { Status: 404, ErrorCode: "ContainerNotFound" } => new IOException(
                $"The container of '{location}' does not exist: create it, or fix the container name in the URI.", e),
            RequestFailedException { Status: 404 } when key is not null => new ObjectNotFoundException(location, key),
            RequestFailedException { Status: 401 or 403 } r => new IOException(
                $"Azure refused access to {what} ({r.Status} {r.ErrorCode}): check the credentials ({CredentialHelp}) "
                + "and that the identity has a Storage Blob Data role on the container.", e),
            AuthenticationFailedException => new IOException(
                $"No usable Azure credentials for '{location}': {CredentialHelp}.", e),
            RequestFailedException r => new IOException(
                $"Azure Blob request for {what} failed ({Describe(r)}).", e),
            AggregateException a => new IOException(
                $"Azure Blob request for {what} failed after {a.InnerExceptions.Count} attempts: {a.InnerExceptions[^1].GetBaseException().Message}", e),
            _ => e,
        };
    }

    private static string Describe(RequestFailedException e)
        => e.Status == 0 ? "no response: " + e.GetBaseException().Message : $"{e.Status} {e.ErrorCode}";
}
