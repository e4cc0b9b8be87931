namespace Cdp.Cli.Tests.Support;

/// <summary>Copies of the repository's project (cdp.yml, models/, sql/, seeds/) for demo runs in temp folders.</summary>
public static class DemoProject
{
    /// <summary>A copy of the repository's project in <paramref name="folder"/>.</summary>
    public static string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var root = Cdp.Testing.RepositoryPaths.Root;
        File.Copy(Path.Combine(root, "cdp.yml"), Path.Combine(folder, "cdp.yml"));
        foreach (var name in new[] { "models", "sql", "seeds" }) CopyFolder(Path.Combine(root, name), Path.Combine(folder, name));
        return folder;
    }

    /// <summary>Copies every file below <paramref name="from"/> to the same relative path below <paramref name="to"/>.</summary>
    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
