using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;
using Cdp.Audiences.Definitions;

namespace Cdp.Activation.Execution;

/// <summary>One audience to sync to one destination.</summary>
public sealed record SyncTarget(IDestination Destination, SyncRequest Request);

/// <summary>
/// Plans and runs the syncs of a run. Every target is planned first, in the order of its audience's
/// <see cref="SyncRequest.Priority"/> (highest first; ties keep the targets' order), under the contact caps: an add
/// for a person who already has the channel's allowance of contacts in the window (from the ledger, and from the adds
/// planned for higher-priority targets of this run) is held back and counted as
/// <see cref="SyncPlanCounts.ExcludedCap"/>. Then every destination is sent to independently and at once: a
/// destination that fails or crawls (retries, Retry-After, a 410) never holds up the others, and its failure is a
/// report with an error.
/// </summary>
public sealed class AudienceSync
{
    private readonly SyncPlanner _planner;
    private readonly SyncExecutor _executor;
    private readonly ContactCaps _caps;
    private readonly TimeProvider _clock;

    /// <param name="caps">Contact caps per channel (<c>audiences.pressure</c> of cdp.yml); none by default.</param>
    /// <param name="clock">Where the caps' windows end (the run's start).</param>
    public AudienceSync(SyncPlanner planner, SyncExecutor executor, ContactCaps? caps = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(executor);
        _planner = planner;
        _executor = executor;
        _caps = caps ?? ContactCaps.None;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Plans every target (in priority order, under the caps); sends nothing. One plan per target, in the targets' order.</summary>
    public async Task<IReadOnlyList<SyncPlan>> PlanAsync(IReadOnlyList<SyncTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var plans = new SyncPlan[targets.Count];
        await using var pressure = BeginPressure(targets);
        foreach (var i in PlanningOrder(targets)) plans[i] = await _planner.PlanAsync(targets[i].Request, pressure, cancellationToken).ConfigureAwait(false);
        return plans;
    }

    /// <summary>
    /// Plans every target (in priority order, under the caps), then sends: destinations at once, and the targets of one
    /// destination one after the other. One report per target, in the targets' order.
    /// </summary>
    public async Task<IReadOnlyList<SyncReport>> RunAsync(IReadOnlyList<SyncTarget> targets, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var target in targets)
        {
            if (!string.Equals(target.Request.Destination, target.Destination.Name, StringComparison.Ordinal))
                throw new ArgumentException($"A target pairs destination '{target.Destination.Name}' with a request for '{target.Request.Destination}'.", nameof(targets));
        }
        var plans = new (SyncPlan? Plan, Exception? Error)[targets.Count];
        await using (var pressure = BeginPressure(targets))
        {
            foreach (var i in PlanningOrder(targets))
            {
                try
                {
                    plans[i] = (await _planner.PlanAsync(targets[i].Request, pressure, cancellationToken).ConfigureAwait(false), null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    plans[i] = (null, e);
                }
            }
        }
        // Destinations at once; one destination's targets in turn, so its rate and concurrency limits hold across them.
        var reports = new SyncReport[targets.Count];
        var runs = Enumerable.Range(0, targets.Count).GroupBy(i => targets[i].Destination.Name, StringComparer.Ordinal).Select(group => Task.Run(async () =>
        {
            foreach (var i in group) reports[i] = await ExecuteOneAsync(targets[i], plans[i].Plan, plans[i].Error, runId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken)).ToList();
        await Task.WhenAll(runs).ConfigureAwait(false);
        return reports;
    }

    private async Task<SyncReport> ExecuteOneAsync(SyncTarget target, SyncPlan? plan, Exception? planError, string runId, CancellationToken ct)
    {
        try
        {
            if (planError is not null) return Failed(target, null, planError);
            return await _executor.ExecuteAsync(target.Destination, plan!, runId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Failed(target, plan, e);
        }
    }

    private static SyncReport Failed(SyncTarget target, SyncPlan? plan, Exception e)
    {
        var counts = plan?.Counts ?? new SyncPlanCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        return new SyncReport(target.Destination.Name, target.Request.Audience, counts, 0, 0, counts.Operations, new Dictionary<string, long>(), 0, false,
            $"{e.GetType().Name}: {e.Message}");
    }

    /// <summary>Target indexes by priority, highest first; a stable sort, so ties keep the targets' order.</summary>
    private static IEnumerable<int> PlanningOrder(IReadOnlyList<SyncTarget> targets)
        => Enumerable.Range(0, targets.Count).OrderByDescending(i => targets[i].Request.Priority);

    private ContactPressure? BeginPressure(IReadOnlyList<SyncTarget> targets)
    {
        if (_caps.Caps.Count == 0) return null;
        var channels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in targets) channels.TryAdd(t.Request.Destination, t.Request.Channel);
        return _planner.BeginPressure(_caps, _clock.GetUtcNow(), channels);
    }
}
