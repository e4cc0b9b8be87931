using Cdp.Storage;
using Cdp.Storage.Azure;

namespace Cdp.Lake.Storage;

/// <summary>Chooses the object store for a table or lake location given by the user.</summary>
public static class ObjectStoreResolver
{
    private const string Supported =
        "a local path, file:///absolute/path, abfss://<container>@<account>.dfs.core.windows.net/<path>, "
        + "wasbs://<container>@<account>.blob.core.windows.net/<path>, or az://<container>/<path>";

    /// <summary>
    /// A <see cref="LocalObjectStore"/> for plain paths (relative ones resolved against the current folder) and
    /// file: URIs, an <see cref="AzureBlobObjectStore"/> for abfss, abfs, wasbs, wasb, az and azure URIs (credentials
    /// from the process environment). Throws <see cref="ArgumentException"/> naming the URI for anything else.
    /// </summary>
    public static IObjectStore Resolve(string tableOrLakeUri) => Resolve(tableOrLakeUri, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Resolve(string)"/>, reading Azure settings from <paramref name="environment"/>.</summary>
    public static IObjectStore Resolve(string tableOrLakeUri, Func<string, string?> environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableOrLakeUri);
        ArgumentNullException.ThrowIfNull(environment);
        var scheme = StorageUri.SchemeOf(tableOrLakeUri);
        if (scheme is null) return new LocalObjectStore(Path.GetFullPath(tableOrLakeUri));
        if (scheme == "file") return new LocalObjectStore(FileUriPath(tableOrLakeUri));
        if (AzureStorageLocation.IsAzureUri(tableOrLakeUri))
            return AzureBlobObjectStore.Open(AzureStorageLocation.Parse(tableOrLakeUri, environment));
        throw new ArgumentException(
            $"Unsupported storage location '{StorageUri.Redact(tableOrLakeUri)}': the scheme '{scheme}' is not supported. Use {Supported}.",
            nameof(tableOrLakeUri));
    }

    /// <summary>
    /// The local path of a file: URI (file:///p, file://localhost/p, file:/p), percent-decoded. Decoding by hand
    /// keeps '%25' and non-ASCII text exact, which <see cref="Uri.LocalPath"/> does not promise.
    /// </summary>
    private static string FileUriPath(string uri)
    {
        var rest = uri["file:".Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            var host = slash < 0 ? rest[2..] : rest[2..slash];
            if (host.Length > 0 && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException(
                    $"Unsupported file URI '{StorageUri.Redact(uri)}': the host '{host}' is not this machine. Use file:///absolute/path or a plain path.",
                    nameof(uri));
            rest = slash < 0 ? "/" : rest[slash..];
        }
        if (!rest.StartsWith('/') || rest.IndexOfAny(['?', '#']) >= 0)
            throw new ArgumentException(
                $"Invalid file URI '{StorageUri.Redact(uri)}': expected file:///absolute/path without query or fragment; use a plain path for relative locations.",
                nameof(uri));
        var path = Uri.UnescapeDataString(rest);
        // file:///C:/lake on Windows names C:/lake.
        if (OperatingSystem.IsWindows() && path.Length >= 3 && path[2] == ':') path = path[1..];
        return Path.GetFullPath(path);
    }
}
