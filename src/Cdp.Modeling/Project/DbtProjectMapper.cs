namespace Cdp.Modeling.Project;

/// <summary>
/// Maps a dbt <c>dbt_project.yml</c> onto <see cref="ProjectSettings"/> so an existing dbt project loads without a
/// profiles.yml: one target <c>dev</c> with schema <c>main</c> and no lake (the caller supplies one). Folder configs
/// and vars scoped by the project name are unwrapped; those of other packages are ignored.
/// </summary>
internal static class DbtProjectMapper
{
    /// <summary>dbt keys that do not affect loading here; ignored without a warning.</summary>
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.Ordinal)
    {
        "version", "config-version", "profile", "clean-targets", "require-dbt-version", "snapshot-paths", "on-run-start",
        "on-run-end", "quoting", "packages-install-path", "flags", "dispatch", "query-comment",
        // Further dbt features the engine does not use.
        "snapshots", "sources", "exposures", "metrics", "semantic-models", "saved-queries", "unit_tests", "asset-paths",
        "log-path", "modules-path", "restrict-access", "analyses",
    };

    public static ProjectSettings Read(YamlFile file, string rootDirectory)
    {
        var root = ProjectFileCommon.RootMapping(file);
        var settings = new ProjectSettings
        {
            Name = ProjectFileCommon.Name(file, root, rootDirectory),
            Targets = ProjectSettings.DefaultTargets(),
        };
        if (root is null) return settings;

        foreach (var (keyNode, value) in root.Entries)
        {
            var key = keyNode.Text switch
            {
                "source-paths" => "model-paths",
                "data-paths" => "seed-paths",
                var k => k,
            };
            if (key == "name" || IgnoredKeys.Contains(key) || ProjectFileCommon.TryReadPathKey(file, key, value, ref settings)) continue;
            switch (key)
            {
                case "vars":
                    if (ProjectFileCommon.Vars(file, value) is { } vars) settings = settings with { Vars = FlattenVars(vars, settings.Name) };
                    break;
                case "models":
                    settings = settings with { ModelConfigs = Configs(file, key, value, settings.Name) };
                    break;
                case "seeds":
                    settings = settings with { SeedConfigs = Configs(file, key, value, settings.Name) };
                    break;
                case "tests" or "data_tests":
                    settings = settings with { TestConfigs = Configs(file, key, value, settings.Name) };
                    break;
                default:
                    file.Warning(keyNode, $"unknown key '{key}' in {file.Path} is ignored");
                    break;
            }
        }
        return settings;
    }

    /// <summary>Global vars, overridden by the ones scoped to this project (<c>vars: {my_project: {x: 1}}</c>).</summary>
    private static Dictionary<string, object?> FlattenVars(Dictionary<string, object?> vars, string projectName)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in vars)
        {
            if (key != projectName || value is not IReadOnlyDictionary<string, object?>) result[key] = value;
        }
        if (vars.TryGetValue(projectName, out var scoped) && scoped is IReadOnlyDictionary<string, object?> own)
        {
            foreach (var (key, value) in own) result[key] = value;
        }
        return result;
    }

    /// <summary>
    /// The folder configs of this project: '+' configs at the top of the block, overridden by the block under the
    /// project's name. Blocks for other packages are skipped.
    /// </summary>
    private static FolderConfigs Configs(YamlFile file, string key, YamlNode value, string projectName)
    {
        if (ProjectFileCommon.ConfigBlock(file, key, value) is not { } map) return FolderConfigs.Empty;
        var configs = new Dictionary<string, object?>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, FolderConfigs> folders = new Dictionary<string, FolderConfigs>(StringComparer.Ordinal);
        foreach (var (entryKey, entry) in map.Entries)
        {
            if (entryKey.Text == projectName)
            {
                if (entry is not YamlMapping own) continue;
                var project = FolderConfigReader.Read(own);
                foreach (var (name, config) in project.Configs) configs[name] = config;
                folders = project.Folders;
            }
            else if (FolderConfigReader.IsConfigKey(entryKey.Text, entry))
            {
                var name = entryKey.Text.TrimStart('+');
                configs.TryAdd(name, FolderConfigReader.NormalizeConfig(name, YamlValues.ToValue(entry)));
            }
        }
        return new FolderConfigs(configs, folders);
    }
}
