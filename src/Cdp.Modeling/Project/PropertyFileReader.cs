namespace Cdp.Modeling.Project;

/// <summary>
/// Reads dbt <c>version: 2</c> property files: <c>models:</c>, <c>seeds:</c> and <c>sources:</c> (other sections
/// are ignored). Properties for a model or seed that does not exist are a warning; describing one twice is an error.
/// </summary>
internal sealed class PropertyFileReader(IReadOnlySet<string> modelNames, IReadOnlySet<string> seedNames)
{
    private static readonly HashSet<string> IgnoredSections = new(StringComparer.Ordinal)
    {
        "version", "macros", "analyses", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests",
        "snapshots", "groups",
    };

    private readonly Dictionary<string, SourceDefinition> _sources = new(StringComparer.Ordinal);

    public Dictionary<string, NodeProperties> Models { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, NodeProperties> Seeds { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SourceDefinition> Sources => _sources.Values.ToList();

    public void Read(YamlFile file)
    {
        if (file.Root is null || file.ExpectMapping(file.Root, "a property file") is not { } root) return;
        foreach (var (keyNode, value) in root.Entries)
        {
            switch (keyNode.Text)
            {
                case "models":
                    ReadNodes(file, value, "model", Models, modelNames);
                    break;
                case "seeds":
                    ReadNodes(file, value, "seed", Seeds, seedNames);
                    break;
                case "sources":
                    ReadSources(file, value);
                    break;
                default:
                    if (!IgnoredSections.Contains(keyNode.Text)) file.Warning(keyNode, $"unknown key '{keyNode.Text}' in a property file");
                    break;
            }
        }
    }

    private static void ReadNodes(YamlFile file, YamlNode value, string kind, Dictionary<string, NodeProperties> into, IReadOnlySet<string> known)
    {
        if (file.ExpectList(value, $"'{kind}s'") is not { } list) return;
        foreach (var item in list.Items)
        {
            if (file.ExpectMapping(item, $"a {kind} entry") is not { } entry || Name(file, entry, kind) is not { } name) continue;
            var properties = new NodeProperties
            {
                Name = name,
                Location = file.Location(entry),
                Description = Description(file, entry),
                Config = Config(file, entry),
                Columns = Columns(file, entry),
                Tests = TestDeclarationReader.ReadAll(file, entry),
            };
            if (!known.Contains(name))
            {
                file.Warning(entry, $"properties for unknown {kind} '{name}'");
            }
            else if (into.TryGetValue(name, out var first))
            {
                file.Error(entry, $"{kind} '{name}' is already described at {first.Location}");
            }
            else
            {
                into[name] = properties;
            }
        }
    }

    private void ReadSources(YamlFile file, YamlNode value)
    {
        if (file.ExpectList(value, "'sources'") is not { } list) return;
        foreach (var item in list.Items)
        {
            if (file.ExpectMapping(item, "a source entry") is not { } entry || Name(file, entry, "source") is not { } name) continue;
            var schema = entry["schema"] is { } schemaNode ? file.ExpectString(schemaNode, "'schema'") : null;
            var source = new SourceDefinition
            {
                Name = name,
                Location = file.Location(entry),
                Schema = string.IsNullOrEmpty(schema) ? name : schema,
                Description = Description(file, entry),
                Tables = Tables(file, entry, name),
            };
            if (_sources.TryGetValue(name, out var first)) file.Error(entry, $"source '{name}' is already defined at {first.Location}");
            else _sources[name] = source;
        }
    }

    private static List<SourceTable> Tables(YamlFile file, YamlMapping source, string sourceName)
    {
        var tables = new List<SourceTable>();
        if (source["tables"] is not { } node || file.ExpectList(node, "'tables'") is not { } list) return tables;
        foreach (var item in list.Items)
        {
            if (file.ExpectMapping(item, "a source table") is not { } entry || Name(file, entry, "source table") is not { } name) continue;
            var identifier = entry["identifier"] is { } idNode ? file.ExpectString(idNode, "'identifier'") : null;
            var first = tables.Find(t => t.Name == name);
            if (first is not null)
            {
                file.Error(entry, $"table '{name}' of source '{sourceName}' is already defined at {first.Location}");
                continue;
            }
            tables.Add(new SourceTable(name, string.IsNullOrEmpty(identifier) ? name : identifier, Description(file, entry), TableLocation(file, entry),
                Columns(file, entry), TestDeclarationReader.ReadAll(file, entry), file.Location(entry)));
        }
        return tables;
    }

    /// <summary>The Delta table's lake path: <c>location:</c>, else <c>config: {location}</c>, else <c>meta: {location}</c>.</summary>
    private static string? TableLocation(YamlFile file, YamlMapping table)
    {
        if (table["location"] is { } direct) return file.ExpectString(direct, "'location'");
        foreach (var section in (string[])["config", "meta"])
        {
            if (table[section] is YamlMapping map && map["location"] is { } nested) return file.ExpectString(nested, "'location'");
        }
        return null;
    }

    private static List<ColumnProperties> Columns(YamlFile file, YamlMapping owner)
    {
        var columns = new List<ColumnProperties>();
        if (owner["columns"] is not { } node || file.ExpectList(node, "'columns'") is not { } list) return columns;
        foreach (var item in list.Items)
        {
            if (file.ExpectMapping(item, "a column") is not { } entry || Name(file, entry, "column") is not { } name) continue;
            var dataType = entry["data_type"] is { } typeNode ? file.ExpectString(typeNode, "'data_type'") : null;
            columns.Add(new ColumnProperties(name, Description(file, entry), dataType, TestDeclarationReader.ReadAll(file, entry)));
        }
        return columns;
    }

    /// <summary>The <c>config:</c> block, with a <c>meta:</c> or <c>docs:</c> written beside it merged in (as dbt does).</summary>
    private static Dictionary<string, object?> Config(YamlFile file, YamlMapping entry)
    {
        var config = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in (string[])["meta", "docs"])
        {
            if (entry[key] is { } node && !YamlFile.IsNull(node) && file.ExpectMapping(node, $"'{key}'") is { } map) config[key] = YamlValues.ToDictionary(map);
        }
        if (entry["config"] is { } configNode && !YamlFile.IsNull(configNode) && file.ExpectMapping(configNode, "'config'") is { } block)
        {
            ConfigMerge.Into(config, FolderConfigReader.ReadConfigBlock(block));
        }
        return config;
    }

    private static string? Description(YamlFile file, YamlMapping entry)
        => entry["description"] is { } node ? file.ExpectString(node, "'description'") : null;

    private static string? Name(YamlFile file, YamlMapping entry, string kind)
    {
        if (entry["name"] is not { } node)
        {
            file.Error(entry, $"a {kind} entry needs a 'name'");
            return null;
        }
        var name = file.ExpectString(node, $"the {kind}'s 'name'");
        if (name is null && node is YamlScalar) file.Error(node, $"a {kind} entry needs a 'name'");
        return string.IsNullOrEmpty(name) ? null : name;
    }
}
