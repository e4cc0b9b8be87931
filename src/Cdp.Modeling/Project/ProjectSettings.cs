namespace Cdp.Modeling.Project;

/// <summary>What a project file says, whichever format it came in; paths relative to the root as written.</summary>
internal sealed record ProjectSettings
{
    public required string Name { get; init; }

    public string? Lake { get; init; }

    public IReadOnlyList<string> ModelPaths { get; init; } = ["models"];

    public IReadOnlyList<string> SeedPaths { get; init; } = ["seeds"];

    public IReadOnlyList<string> MacroPaths { get; init; } = ["macros"];

    public IReadOnlyList<string> TestPaths { get; init; } = ["tests"];

    public IReadOnlyList<string> AnalysisPaths { get; init; } = ["analyses"];

    public IReadOnlyList<string> DocsPaths { get; init; } = [];

    public string TargetPath { get; init; } = "target";

    public required IReadOnlyDictionary<string, TargetDefinition> Targets { get; init; }

    public string DefaultTarget { get; init; } = "dev";

    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    public FolderConfigs ModelConfigs { get; init; } = FolderConfigs.Empty;

    public FolderConfigs SeedConfigs { get; init; } = FolderConfigs.Empty;

    public FolderConfigs TestConfigs { get; init; } = FolderConfigs.Empty;

    public IReadOnlyDictionary<string, object?> Sections { get; init; } = new Dictionary<string, object?>();

    public static IReadOnlyDictionary<string, TargetDefinition> DefaultTargets()
        => new Dictionary<string, TargetDefinition>(StringComparer.Ordinal) { ["dev"] = new TargetDefinition("dev") };
}
