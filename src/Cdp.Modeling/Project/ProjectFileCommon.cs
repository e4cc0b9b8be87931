namespace Cdp.Modeling.Project;

/// <summary>Reading steps shared by <c>cdp.yml</c> and <c>dbt_project.yml</c>.</summary>
internal static class ProjectFileCommon
{
    /// <summary>The root mapping of a project file, or null (an error is reported unless the file did not parse).</summary>
    public static YamlMapping? RootMapping(YamlFile file)
    {
        if (file.Root is null)
        {
            if (!file.HasSyntaxError) file.Error(1, 1, $"{file.Path} is empty: 'name' is required");
            return null;
        }
        return file.ExpectMapping(file.Root, file.Path);
    }

    /// <summary>The project name; reports a missing or empty name and falls back to the folder's name.</summary>
    public static string Name(YamlFile file, YamlMapping? root, string rootDirectory)
    {
        var fallback = Path.GetFileName(rootDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (root is null) return fallback;
        if (root["name"] is not { } node)
        {
            file.Error(root, $"{file.Path} has no 'name'");
            return fallback;
        }
        var name = file.ExpectString(node, "'name'");
        if (string.IsNullOrWhiteSpace(name))
        {
            if (node is YamlScalar) file.Error(node, "'name' must not be empty");
            return fallback;
        }
        return name;
    }

    /// <summary>Applies a <c>*-paths</c> key to the settings; true when the key was one of them.</summary>
    public static bool TryReadPathKey(YamlFile file, string key, YamlNode value, ref ProjectSettings settings)
    {
        List<string>? Paths() => file.ExpectStringList(value, $"'{key}'")?.Select(NormalizeRelative).ToList();
        switch (key)
        {
            case "model-paths": settings = settings with { ModelPaths = Paths() ?? settings.ModelPaths }; return true;
            case "seed-paths": settings = settings with { SeedPaths = Paths() ?? settings.SeedPaths }; return true;
            case "macro-paths": settings = settings with { MacroPaths = Paths() ?? settings.MacroPaths }; return true;
            case "test-paths": settings = settings with { TestPaths = Paths() ?? settings.TestPaths }; return true;
            case "analysis-paths": settings = settings with { AnalysisPaths = Paths() ?? settings.AnalysisPaths }; return true;
            case "docs-paths": settings = settings with { DocsPaths = Paths() ?? settings.DocsPaths }; return true;
            case "target-path":
                if (file.ExpectString(value, "'target-path'") is { Length: > 0 } target) settings = settings with { TargetPath = target };
                return true;
            default: return false;
        }
    }

    /// <summary>A folder-config block (<c>models:</c> etc.); null or missing is empty.</summary>
    public static YamlMapping? ConfigBlock(YamlFile file, string key, YamlNode value)
        => YamlFile.IsNull(value) ? null : file.ExpectMapping(value, $"'{key}'");

    public static Dictionary<string, object?>? Vars(YamlFile file, YamlNode value)
        => YamlFile.IsNull(value) ? [] : file.ExpectMapping(value, "'vars'") is { } map ? YamlValues.ToDictionary(map) : null;

    /// <summary>A lake location: URIs (<c>abfss://...</c>) as they are, paths made absolute against the root.</summary>
    public static string ResolveLake(string rootDirectory, string lake)
        => lake.Contains("://", StringComparison.Ordinal) ? lake : Path.GetFullPath(Path.Combine(rootDirectory, lake));

    private static string NormalizeRelative(string path)
    {
        var p = path.Replace('\\', '/').TrimEnd('/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        return p.Length == 0 ? "." : p;
    }
}
