namespace Cdp.Modeling.Project;

/// <summary>
/// Finds a resource's files under its paths: recursive, skipping files and folders whose name starts with '.',
/// sorted ordinally by path. Missing paths are skipped (dbt's defaults need not exist).
/// </summary>
internal static class ProjectFileScanner
{
    /// <param name="extensions">File name endings with the dot, e.g. <c>.sql</c>; compared ignoring case.</param>
    /// <param name="readText">False for seeds: their text is left empty and read by the caller through the root.</param>
    public static List<ProjectFile> Scan(string rootDirectory, IEnumerable<string> resourcePaths, string[] extensions, bool readText)
    {
        var files = new Dictionary<string, ProjectFile>(StringComparer.Ordinal);
        foreach (var resourcePath in resourcePaths)
        {
            var folder = Path.GetFullPath(Path.Combine(rootDirectory, resourcePath));
            if (!Directory.Exists(folder)) continue;
            foreach (var full in Walk(folder))
            {
                if (!extensions.Any(e => full.EndsWith(e, StringComparison.OrdinalIgnoreCase))) continue;
                var relative = Relative(rootDirectory, full);
                if (files.ContainsKey(relative)) continue; // the same file under two overlapping paths
                files[relative] = new ProjectFile(relative, Relative(folder, full), readText ? File.ReadAllText(full) : "");
            }
        }
        return files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>A path relative to <paramref name="baseDirectory"/> with '/' separators.</summary>
    public static string Relative(string baseDirectory, string fullPath)
        => Path.GetRelativePath(baseDirectory, fullPath).Replace('\\', '/');

    private static IEnumerable<string> Walk(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (!Path.GetFileName(file).StartsWith('.')) yield return file;
        }
        foreach (var child in Directory.EnumerateDirectories(folder))
        {
            if (Path.GetFileName(child).StartsWith('.')) continue;
            foreach (var file in Walk(child)) yield return file;
        }
    }
}
