using Cdp.Storage;

namespace Cdp.Ingestion.Discovery;

/// <summary>Lists the files of a source pattern, on local disk or an object store, sorted by location.</summary>
public static class FileDiscovery
{
    /// <param name="resolve">Opens the store for a folder or URI (the lake session's resolver).</param>
    /// <exception cref="IngestException">A pattern without wildcards names a file that does not exist.</exception>
    public static async Task<IReadOnlyList<SourceFile>> ListAsync(string pattern, Func<string, IObjectStore> resolve, CancellationToken cancellationToken)
    {
        var glob = Glob.Parse(pattern);
        var store = resolve(glob.BaseLocation);
        var files = new List<SourceFile>();
        var root = glob.BaseLocation.TrimEnd('/');
        await foreach (var obj in store.ListAsync(glob.ListPrefix, null, cancellationToken).ConfigureAwait(false))
        {
            if (glob.Matches(obj.Key)) files.Add(new SourceFile(root + "/" + obj.Key, store, obj.Key, obj.Size, obj.LastModified));
        }
        if (files.Count == 0 && !glob.HasWildcards)
            throw new IngestException($"file '{StorageUri.Redact(pattern)}' does not exist");
        return files.OrderBy(f => f.Location, StringComparer.Ordinal).ToList();
    }
}
