using Cdp.Modeling.Compilation;

namespace Cdp.Modeling.Execution;

/// <summary>Outcome statuses, as dbt names them in run_results.json.</summary>
public static class NodeStatus
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Skipped = "skipped";
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Warn = "warn";

    public static bool IsFailure(string status) => status is Error or Fail;
}

/// <summary>What happened to one node of a run.</summary>
public sealed record NodeResult
{
    public required string UniqueId { get; init; }

    public required string Name { get; init; }

    public required NodeKind Kind { get; init; }

    public required string Status { get; init; }

    public string? Message { get; init; }

    public string? Materialized { get; init; }

    /// <summary>The relation written or tested, e.g. <c>"silver"."orders"</c>.</summary>
    public string? Relation { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset CompletedAt { get; init; }

    public TimeSpan Duration => CompletedAt - StartedAt;

    /// <summary>Rows written by a table, incremental or seed (null for views).</summary>
    public long? RowsAffected { get; init; }

    /// <summary>Failing rows of a test.</summary>
    public long? Failures { get; init; }

    /// <summary>The Delta version the write committed.</summary>
    public long? Version { get; init; }

    public int Thread { get; init; }
}

/// <summary>The results of a run, in completion order, with totals.</summary>
public sealed record RunSummary(IReadOnlyList<NodeResult> Results, TimeSpan Elapsed, string InvocationId)
{
    public int Count(string status) => Results.Count(r => r.Status == status);

    public bool Succeeded => !Results.Any(r => NodeStatus.IsFailure(r.Status));
}
