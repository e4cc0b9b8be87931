using Cdp.Storage;

namespace Cdp.Lake.Storage;

/// <summary>Chooses the object store for a location (placeholder until the Azure store lands).</summary>
public static class ObjectStoreResolver
{
    public static IObjectStore Resolve(string tableOrLakeUri) => new LocalObjectStore(Path.GetFullPath(tableOrLakeUri));
}
