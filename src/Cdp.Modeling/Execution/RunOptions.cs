namespace Cdp.Modeling.Execution;

/// <summary>Which nodes a run executes.</summary>
public enum RunMode
{
    /// <summary>Models only (<c>cdp models run</c>).</summary>
    Run,

    /// <summary>Tests only (<c>cdp models test</c>).</summary>
    Test,

    /// <summary>Seeds only (<c>cdp models seed</c>).</summary>
    Seed,

    /// <summary>Seeds, models and tests in DAG order; a failing test stops what depends on its model (<c>cdp models build</c>).</summary>
    Build,
}

public sealed record RunOptions
{
    public RunMode Mode { get; init; } = RunMode.Run;

    /// <summary>Models run at the same time; default the target's threads, else the core count.</summary>
    public int? Threads { get; init; }

    /// <summary>Told of every node as it finishes (progress lines).</summary>
    public IProgress<NodeResult>? Progress { get; init; }
}
