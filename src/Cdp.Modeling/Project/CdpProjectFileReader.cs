namespace Cdp.Modeling.Project;

/// <summary>
/// Reads our <c>cdp.yml</c>: dbt-like path keys, a lake, named targets (instead of a profiles.yml), vars and
/// folder configs given directly by folder (no project-name level).
/// </summary>
internal static class CdpProjectFileReader
{
    /// <summary>Top-level keys other features of the platform own; accepted here without a warning.</summary>
    private static readonly HashSet<string> ReservedKeys = new(StringComparer.Ordinal)
    {
        "ingest", "identity", "audiences", "destinations", "ml", "catalog",
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

        YamlNode? defaultTargetNode = null;
        foreach (var (keyNode, value) in root.Entries)
        {
            var key = keyNode.Text;
            if (ReservedKeys.Contains(key))
            {
                settings = settings with { Sections = new Dictionary<string, object?>(settings.Sections) { [key] = YamlValues.ToValue(value) } };
                continue;
            }
            if (key == "name" || ProjectFileCommon.TryReadPathKey(file, key, value, ref settings)) continue;
            switch (key)
            {
                case "lake":
                    if (file.ExpectString(value, "'lake'") is { Length: > 0 } lake) settings = settings with { Lake = ProjectFileCommon.ResolveLake(rootDirectory, lake) };
                    break;
                case "default-target":
                    defaultTargetNode = value;
                    break;
                case "targets":
                    if (ReadTargets(file, value, rootDirectory) is { } targets) settings = settings with { Targets = targets };
                    break;
                case "vars":
                    if (ProjectFileCommon.Vars(file, value) is { } vars) settings = settings with { Vars = vars };
                    break;
                case "models":
                    settings = settings with { ModelConfigs = Configs(file, key, value) };
                    break;
                case "seeds":
                    settings = settings with { SeedConfigs = Configs(file, key, value) };
                    break;
                case "tests":
                    settings = settings with { TestConfigs = Configs(file, key, value) };
                    break;
                default:
                    file.Warning(keyNode, $"unknown key '{key}' in {file.Path}");
                    break;
            }
        }
        return settings with { DefaultTarget = DefaultTarget(file, defaultTargetNode, settings.Targets) };
    }

    private static FolderConfigs Configs(YamlFile file, string key, YamlNode value)
        => ProjectFileCommon.ConfigBlock(file, key, value) is { } map ? FolderConfigReader.Read(map) : FolderConfigs.Empty;

    private static string DefaultTarget(YamlFile file, YamlNode? node, IReadOnlyDictionary<string, TargetDefinition> targets)
    {
        if (node is not null && file.ExpectString(node, "'default-target'") is { } name)
        {
            if (targets.ContainsKey(name)) return name;
            file.Error(node, $"default-target '{name}' is not one of the targets ({string.Join(", ", targets.Keys)})");
        }
        return targets.ContainsKey("dev") || targets.Count == 0 ? "dev" : targets.Keys.First();
    }

    private static Dictionary<string, TargetDefinition>? ReadTargets(YamlFile file, YamlNode value, string rootDirectory)
    {
        if (file.ExpectMapping(value, "'targets'") is not { } map) return null;
        var targets = new Dictionary<string, TargetDefinition>(StringComparer.Ordinal);
        foreach (var (nameNode, body) in map.Entries)
        {
            var target = new TargetDefinition(nameNode.Text);
            if (!YamlFile.IsNull(body) && file.ExpectMapping(body, $"target '{nameNode.Text}'") is { } settings)
            {
                foreach (var (keyNode, setting) in settings.Entries)
                {
                    switch (keyNode.Text)
                    {
                        case "schema":
                            if (file.ExpectString(setting, "'schema'") is { Length: > 0 } schema) target = target with { Schema = schema };
                            break;
                        case "threads":
                            if (YamlValues.ToValue(setting) is long threads and > 0 and <= int.MaxValue) target = target with { Threads = (int)threads };
                            else file.Error(setting, "'threads' must be a positive integer");
                            break;
                        case "lake":
                            if (file.ExpectString(setting, "'lake'") is { Length: > 0 } lake) target = target with { Lake = ProjectFileCommon.ResolveLake(rootDirectory, lake) };
                            break;
                        default:
                            file.Warning(keyNode, $"unknown key '{keyNode.Text}' in target '{nameNode.Text}'");
                            break;
                    }
                }
            }
            targets[target.Name] = target;
        }
        return targets.Count > 0 ? targets : null;
    }
}
