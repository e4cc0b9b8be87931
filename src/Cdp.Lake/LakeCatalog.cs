using Cdp.Storage;

namespace Cdp.Lake;

/// <summary>Finds the Delta tables in a lake and names their views.</summary>
public static class LakeCatalog
{
    private const string LogFolder = "_delta_log";

    /// <summary>Table paths relative to the lake root (a folder holding <c>_delta_log</c>), sorted.</summary>
    public static async Task<IReadOnlyList<string>> FindTablesAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var tables = new SortedSet<string>(StringComparer.Ordinal);
        if (store is LocalObjectStore local)
        {
            // On disk, walking folders is far cheaper than listing every data file.
            if (!Directory.Exists(local.RootPath)) return [];
            foreach (var dir in Directory.EnumerateDirectories(local.RootPath, LogFolder, SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(local.RootPath, Path.GetDirectoryName(dir)!).Replace(Path.DirectorySeparatorChar, '/');
                if (Directory.EnumerateFiles(dir, "*.json").Any() || Directory.EnumerateFiles(dir, "*.parquet").Any()) tables.Add(rel == "." ? "" : rel);
            }
        }
        else
        {
            await foreach (var obj in store.ListAsync("", null, cancellationToken).ConfigureAwait(false))
            {
                var at = obj.Key.IndexOf("/" + LogFolder + "/", StringComparison.Ordinal);
                if (at >= 0) tables.Add(obj.Key[..at]);
                else if (obj.Key.StartsWith(LogFolder + "/", StringComparison.Ordinal)) tables.Add("");
            }
        }
        return tables.Where(t => t.Length > 0 && !t.Split('/').Any(s => s.StartsWith('.') || s.StartsWith('_'))).ToList();
    }

    /// <summary><c>zone/table</c> → (zone, table); <c>table</c> → (main, table); deeper paths keep the rest as the name.</summary>
    public static (string Schema, string Name) ViewName(string tablePath)
    {
        var slash = tablePath.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("main", tablePath) : (tablePath[..slash], tablePath[(slash + 1)..]);
    }
}
