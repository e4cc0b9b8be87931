namespace Cdp.Modeling.Compilation;

/// <summary>Inputs of one compile besides the project: target, vars from the command line, run identity, lake state.</summary>
public sealed record CompileOptions
{
    /// <summary>The target to compile for; null means the project's default target.</summary>
    public string? Target { get; init; }

    /// <summary>Vars given with <c>--vars</c>; they override the project's.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    public bool FullRefresh { get; init; }

    public string InvocationId { get; init; } = Guid.NewGuid().ToString();

    public DateTimeOffset RunStartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Whether a node's table already exists in the lake (drives <c>is_incremental()</c>).</summary>
    public Func<Node, bool> RelationExists { get; init; } = _ => false;

    /// <summary>Environment variables for <c>env_var()</c>; default the process environment.</summary>
    public Func<string, string?> EnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
}
