using Cdp.Storage;

namespace Cdp.Lake.Storage;

/// <summary>Chooses the object store for a location (placeholder until the Azure store lands).</summary>
public static class ObjectStoreResolver
{
    public static IObjectStore Resolve(string tableOrLakeUri)
    {
        var schemeEnd = tableOrLakeUri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return new LocalObjectStore(Path.GetFullPath(tableOrLakeUri));
        var scheme = tableOrLakeUri[..schemeEnd].ToLowerInvariant();
        if (scheme == "file")
        {
            return Uri.TryCreate(tableOrLakeUri, UriKind.Absolute, out var uri) && uri.IsFile
                ? new LocalObjectStore(uri.LocalPath)
                : throw new LakeException($"Invalid file URI '{tableOrLakeUri}': expected file:///absolute/path.");
        }
        // Treating an unknown URI as a relative path would silently write the table into a local folder named "s3:".
        throw new LakeException($"Cannot open '{tableOrLakeUri}': storage scheme '{scheme}' is not supported. Use a local path or a file:///path URI.");
    }
}
