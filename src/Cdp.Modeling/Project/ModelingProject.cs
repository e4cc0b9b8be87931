using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Project;

/// <summary>
/// A loaded project: its settings and every file it holds, before templating. Produced by
/// <see cref="ProjectLoader"/> from our <c>cdp.yml</c> or from a dbt <c>dbt_project.yml</c>.
/// Paths are relative to <see cref="RootDirectory"/> with '/' separators.
/// </summary>
public sealed record ModelingProject
{
    public required string RootDirectory { get; init; }

    public required string Name { get; init; }

    /// <summary>The project file it was loaded from (relative), e.g. <c>cdp.yml</c> or <c>dbt_project.yml</c>.</summary>
    public required string ProjectFile { get; init; }

    /// <summary>The lake URI from the project file (relative paths resolved against the root), or null.</summary>
    public string? Lake { get; init; }

    /// <summary>Where compiled SQL, manifest.json and run_results.json go (absolute).</summary>
    public required string TargetPath { get; init; }

    public IReadOnlyDictionary<string, TargetDefinition> Targets { get; init; } = new Dictionary<string, TargetDefinition>();

    public string DefaultTarget { get; init; } = "dev";

    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    /// <summary>Folder configs for models, seeds and tests (the <c>models:</c>, <c>seeds:</c>, <c>tests:</c> keys).</summary>
    public FolderConfigs ModelConfigs { get; init; } = FolderConfigs.Empty;

    public FolderConfigs SeedConfigs { get; init; } = FolderConfigs.Empty;

    public FolderConfigs TestConfigs { get; init; } = FolderConfigs.Empty;

    public IReadOnlyList<ProjectFile> Models { get; init; } = [];

    public IReadOnlyList<ProjectFile> Seeds { get; init; } = [];

    public IReadOnlyList<ProjectFile> Macros { get; init; } = [];

    /// <summary>Singular tests: .sql files in the test paths.</summary>
    public IReadOnlyList<ProjectFile> Tests { get; init; } = [];

    public IReadOnlyList<ProjectFile> Analyses { get; init; } = [];

    /// <summary>Model, seed and source properties from the YAML property files.</summary>
    public IReadOnlyDictionary<string, NodeProperties> ModelProperties { get; init; } = new Dictionary<string, NodeProperties>();

    public IReadOnlyDictionary<string, NodeProperties> SeedProperties { get; init; } = new Dictionary<string, NodeProperties>();

    public IReadOnlyList<SourceDefinition> Sources { get; init; } = [];

    /// <summary>Docs blocks (<c>{% docs name %}...{% enddocs %}</c> in .md files) by name.</summary>
    public IReadOnlyDictionary<string, DocsBlock> Docs { get; init; } = new Dictionary<string, DocsBlock>();

    /// <summary>
    /// The project file's sections owned by the platform's other jobs (<c>ingest</c>, <c>identity</c>, <c>audiences</c>,
    /// <c>destinations</c>, <c>ml</c>, <c>catalog</c>), as plain values (dictionaries, lists, scalars) for those jobs to read.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Sections { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// The lake a run uses: <paramref name="given"/>, else the target's lake, else the project's, else <c>lake/</c> in
    /// the project directory. A relative path is resolved against the project directory; URIs are kept as they are.
    /// </summary>
    /// <param name="target">The target name; null for <see cref="DefaultTarget"/>.</param>
    public string ResolveLake(string? given, string? target)
    {
        var lake = given
                   ?? (Targets.TryGetValue(target ?? DefaultTarget, out var t) ? t.Lake : null)
                   ?? Lake
                   ?? System.IO.Path.Combine(RootDirectory, "lake");
        return lake.Contains("://", StringComparison.Ordinal) ? lake : System.IO.Path.GetFullPath(lake, RootDirectory);
    }
}

/// <summary>A file of the project: its path relative to the root, the path below its resource folder, and its text.</summary>
/// <param name="Path">Relative to the project root, e.g. <c>models/staging/stg_orders.sql</c>.</param>
/// <param name="FolderPath">Relative to the resource path it was found under, e.g. <c>staging/stg_orders.sql</c>.</param>
public sealed record ProjectFile(string Path, string FolderPath, string Text)
{
    /// <summary>The resource name: the file name without extension (<c>stg_orders</c>).</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);
}

/// <summary>A named target (replacing dbt's profiles.yml): the schema models go to by default, threads, lake.</summary>
public sealed record TargetDefinition(string Name, string Schema = "main", int? Threads = null, string? Lake = null);

/// <summary>
/// Hierarchical configs keyed by folder, as in dbt's <c>models:</c> block. Keys starting with '+' (or a known config
/// name) are configs; other keys are subfolders. The project-name level of a dbt project is already removed.
/// </summary>
public sealed class FolderConfigs
{
    public static readonly FolderConfigs Empty = new(new Dictionary<string, object?>(), new Dictionary<string, FolderConfigs>());

    public FolderConfigs(IReadOnlyDictionary<string, object?> configs, IReadOnlyDictionary<string, FolderConfigs> folders)
    {
        Configs = configs;
        Folders = folders;
    }

    /// <summary>Configs at this level, keys without '+'.</summary>
    public IReadOnlyDictionary<string, object?> Configs { get; }

    public IReadOnlyDictionary<string, FolderConfigs> Folders { get; }

    /// <summary>
    /// The configs applying to a file at <paramref name="folderPath"/> (relative to its resource path): outer folders
    /// first, inner folders override. Dictionaries (<c>meta</c>, <c>column_types</c>) merge; <c>tags</c> accumulate.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Resolve(string folderPath)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var node = this;
        ConfigMerge.Into(result, node.Configs);
        var parts = folderPath.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (!node.Folders.TryGetValue(parts[i], out var next)) break;
            node = next;
            ConfigMerge.Into(result, node.Configs);
        }
        // A key naming the file itself (without extension) configures that one file, as in dbt.
        if (node.Folders.TryGetValue(System.IO.Path.GetFileNameWithoutExtension(parts[^1]), out var leaf)) ConfigMerge.Into(result, leaf.Configs);
        return result;
    }
}

/// <summary>How configs from outer levels combine with inner ones.</summary>
public static class ConfigMerge
{
    public static void Into(Dictionary<string, object?> target, IReadOnlyDictionary<string, object?> source)
    {
        foreach (var (key, value) in source)
        {
            if (key == "tags" && target.TryGetValue(key, out var existing))
            {
                target[key] = AsList(existing).Concat(AsList(value)).Distinct().ToList();
            }
            else if (value is IReadOnlyDictionary<string, object?> dict && target.TryGetValue(key, out var old) && old is IReadOnlyDictionary<string, object?> oldDict)
            {
                var merged = new Dictionary<string, object?>(oldDict, StringComparer.Ordinal);
                foreach (var (k, v) in dict) merged[k] = v;
                target[key] = merged;
            }
            else
            {
                target[key] = value;
            }
        }
    }

    public static IReadOnlyList<object?> AsList(object? value) => value switch
    {
        null => [],
        string s => [s],
        IReadOnlyList<object?> list => list,
        _ => [value],
    };
}

/// <summary>Properties of a model or seed from a <c>version: 2</c> YAML file.</summary>
public sealed record NodeProperties
{
    public required string Name { get; init; }

    /// <summary>The property file and line that declared it.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>The description with <c>{{ doc('x') }}</c> still unresolved (the compiler renders it).</summary>
    public string? Description { get; init; }

    public IReadOnlyDictionary<string, object?> Config { get; init; } = new Dictionary<string, object?>();

    public IReadOnlyList<ColumnProperties> Columns { get; init; } = [];

    /// <summary>Model-level tests (e.g. a relationships test over two columns, or a test with arguments).</summary>
    public IReadOnlyList<TestDeclaration> Tests { get; init; } = [];
}

public sealed record ColumnProperties(string Name, string? Description, string? DataType, IReadOnlyList<TestDeclaration> Tests);

/// <summary>
/// A generic test applied in YAML: <c>unique</c>, <c>not_null</c>, <c>accepted_values: {values: [...]}</c>,
/// <c>relationships: {to: ref('x'), field: id}</c>. <see cref="Arguments"/> holds the test's arguments and
/// <see cref="Config"/> its <c>config:</c> (severity, where, ...); dbt also allows severity/where beside the arguments,
/// and they are moved into Config.
/// </summary>
public sealed record TestDeclaration(string TestName, IReadOnlyDictionary<string, object?> Arguments, IReadOnlyDictionary<string, object?> Config, SourceLocation Location);

/// <summary>A source (<c>sources:</c> in a property file): named tables that already exist in the lake.</summary>
public sealed record SourceDefinition
{
    public required string Name { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>The schema (lake zone) its tables live in; defaults to the source name.</summary>
    public required string Schema { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<SourceTable> Tables { get; init; } = [];
}

/// <param name="Identifier">The table's name in the lake when it differs from <paramref name="Name"/>.</param>
/// <param name="Location">A lake path or URI of the Delta table when not at <c>lake/schema/identifier</c>.</param>
public sealed record SourceTable(string Name, string Identifier, string? Description, string? TableLocation, IReadOnlyList<ColumnProperties> Columns,
    IReadOnlyList<TestDeclaration> Tests, SourceLocation Location);

public sealed record DocsBlock(string Name, string Text, SourceLocation Location);
