namespace Cdp.Modeling.Project;

/// <summary>
/// Reads a <c>models:</c>/<c>seeds:</c>/<c>tests:</c> block into <see cref="FolderConfigs"/>. A key is a config
/// when it starts with '+' (stripped), is a known config name, or holds a value that is neither a mapping nor empty;
/// any other key is a subfolder (or a single file's name).
/// </summary>
internal static class FolderConfigReader
{
    /// <summary>Config names that are configs even without '+' (so a folder cannot take these names unprefixed).</summary>
    public static readonly IReadOnlySet<string> KnownConfigNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "materialized", "schema", "alias", "tags", "enabled", "unique_key", "incremental_strategy", "on_schema_change",
        "full_refresh", "persist_docs", "meta", "docs", "column_types", "quote_columns", "delimiter", "severity", "where",
        "warn_if", "error_if", "store_failures", "limit", "partition_by", "database", "pre-hook", "post-hook", "contract",
        "grants", "file_format", "location_root", "sql_header", "batch_size",
    };

    public static FolderConfigs Read(YamlMapping mapping)
    {
        var configs = new Dictionary<string, object?>(StringComparer.Ordinal);
        var folders = new Dictionary<string, FolderConfigs>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            if (IsConfigKey(key.Text, value))
            {
                var name = key.Text.TrimStart('+');
                configs[name] = NormalizeConfig(name, YamlValues.ToValue(value));
            }
            else
            {
                folders[key.Text] = value is YamlMapping folder ? Read(folder) : FolderConfigs.Empty; // `staging:` with nothing under it
            }
        }
        return new FolderConfigs(configs, folders);
    }

    public static bool IsConfigKey(string key, YamlNode value)
        => key.StartsWith('+') || KnownConfigNames.Contains(key) || (value is not YamlMapping && !YamlFile.IsNull(value));

    /// <summary>Config values as consumers expect them: <c>tags</c> is always a list.</summary>
    public static object? NormalizeConfig(string name, object? value)
        => name == "tags" && value is not null ? ConfigMerge.AsList(value).ToList() : value;

    /// <summary>A config mapping (a <c>config:</c> block): keys with any '+' stripped, values normalized.</summary>
    public static Dictionary<string, object?> ReadConfigBlock(YamlMapping mapping)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            var name = key.Text.TrimStart('+');
            result[name] = NormalizeConfig(name, YamlValues.ToValue(value));
        }
        return result;
    }
}
