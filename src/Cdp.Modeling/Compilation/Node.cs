using Cdp.Engine;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Compilation;

/// <summary>What a node of the graph is.</summary>
public enum NodeKind
{
    Model,
    Seed,
    Test,
    Analysis,
    Source,
}

/// <summary>How a model is persisted (dbt's <c>materialized</c> config).</summary>
public static class Materializations
{
    public const string View = "view";
    public const string Table = "table";
    public const string Incremental = "incremental";
    public const string Ephemeral = "ephemeral";
    public const string Seed = "seed";
    public const string Test = "test";
    public const string Analysis = "analysis";

    public static readonly IReadOnlyList<string> ForModels = [View, Table, Incremental, Ephemeral];
}

/// <summary>
/// One node of the project graph: a model, seed, test, analysis or source table, with its resolved config, its
/// upstream nodes and, once compiled, its SQL.
/// </summary>
public sealed class Node
{
    public required string UniqueId { get; init; }

    public required string Name { get; init; }

    public required NodeKind Kind { get; init; }

    /// <summary>The file it comes from (relative to the project root); for generic tests, the property file.</summary>
    public string? Path { get; init; }

    public ProjectFile? File { get; init; }

    public ITemplate? Template { get; set; }

    /// <summary>Resolved config: project folder configs, then the property file, then <c>config()</c> in the file.</summary>
    public Dictionary<string, object?> Config { get; } = new(StringComparer.Ordinal);

    /// <summary>Unique ids of the nodes it reads, in first-reference order.</summary>
    public List<string> DependsOn { get; } = [];

    /// <summary>Names passed to <c>ref()</c> and <c>source()</c> in the file, with where the call was found.</summary>
    public List<(string Name, SourceLocation? Location)> Refs { get; } = [];

    public List<(string Source, string Table, SourceLocation? Location)> SourceRefs { get; } = [];

    public string Schema { get; set; } = "main";

    /// <summary>The relation's name in its schema (the <c>alias</c> config, default the node name).</summary>
    public string Alias { get; set; } = "";

    public string Materialized => Kind switch
    {
        NodeKind.Seed => Materializations.Seed,
        NodeKind.Test => Materializations.Test,
        NodeKind.Analysis => Materializations.Analysis,
        NodeKind.Source => "source",
        _ => Config.TryGetValue("materialized", out var m) && m is string s ? s : Materializations.View,
    };

    public IReadOnlyList<string> Tags => ConfigMerge.AsList(Config.GetValueOrDefault("tags")).OfType<string>().ToList();

    public string? Description { get; set; }

    /// <summary>Column descriptions from the property files, with <c>doc()</c> rendered.</summary>
    public Dictionary<string, string?> ColumnDescriptions { get; } = new(StringComparer.Ordinal);

    public NodeProperties? Properties { get; set; }

    /// <summary>For a source table: its declaration.</summary>
    public SourceTable? SourceTable { get; init; }

    /// <summary>For a generic test: what it tests.</summary>
    public GenericTestInfo? Test { get; init; }

    public string? CompiledSql { get; set; }

    /// <summary>For an incremental model: whether it compiled with <c>is_incremental()</c> true (its table exists, no full refresh).</summary>
    public bool IsIncrementalRun { get; set; }

    /// <summary>Where the compiled SQL was written (relative to the project root), after compilation.</summary>
    public string? CompiledPath { get; set; }

    /// <summary>The relation as SQL: <c>"schema"."alias"</c>.</summary>
    public string RelationName => Sql.Qualified(Schema, Alias);

    public bool IsEnabled => Config.GetValueOrDefault("enabled") is not false;

    public override string ToString() => UniqueId;
}

/// <summary>A generic test instance: test name (unique, not_null, ...), the node and column it tests, its arguments.</summary>
public sealed record GenericTestInfo(string TestName, string AttachedNodeId, string? ColumnName, IReadOnlyDictionary<string, object?> Arguments, SourceLocation Location);
