using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Execution;

/// <summary>One audience to sync to one destination.</summary>
public sealed record SyncTarget(IDestination Destination, SyncRequest Request);

/// <summary>
/// Plans and runs the syncs of a run, every destination independently and at once: a destination that fails or
/// crawls (retries, Retry-After, a 410) never holds up the others, and its failure is a report with an error.
/// </summary>
public sealed class AudienceSync(SyncPlanner planner, SyncExecutor executor)
{
    /// <summary>Plans every target; sends nothing.</summary>
    public async Task<IReadOnlyList<SyncPlan>> PlanAsync(IReadOnlyList<SyncTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var plans = new List<SyncPlan>(targets.Count);
        foreach (var t in targets) plans.Add(await planner.PlanAsync(t.Request, cancellationToken).ConfigureAwait(false));
        return plans;
    }

    /// <summary>Plans and sends every target; one report per target, in the targets' order.</summary>
    public async Task<IReadOnlyList<SyncReport>> RunAsync(IReadOnlyList<SyncTarget> targets, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var runs = targets.Select(t => Task.Run(() => RunOneAsync(t, runId, cancellationToken), cancellationToken)).ToList();
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private async Task<SyncReport> RunOneAsync(SyncTarget target, string runId, CancellationToken ct)
    {
        if (!string.Equals(target.Request.Destination, target.Destination.Name, StringComparison.Ordinal))
            throw new ArgumentException($"A target pairs destination '{target.Destination.Name}' with a request for '{target.Request.Destination}'.", nameof(target));
        SyncPlan? plan = null;
        try
        {
            plan = await planner.PlanAsync(target.Request, ct).ConfigureAwait(false);
            return await executor.ExecuteAsync(target.Destination, plan, runId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var counts = plan?.Counts ?? new SyncPlanCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            return new SyncReport(target.Destination.Name, target.Request.Audience, counts, 0, 0, counts.Operations, new Dictionary<string, long>(), 0, false,
                $"{e.GetType().Name}: {e.Message}");
        }
    }
}
