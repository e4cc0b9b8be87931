using System.Globalization;
using Cdp.Activation.Configuration;
using Cdp.Activation.Destinations;
using Cdp.Activation.Execution;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Engine;
using Cdp.Lake;

namespace Cdp.Cli.Sync;

/// <summary>
/// How a sync runs: plan only, against local stand-ins, and whether audiences the latest build skipped are left out
/// with the reason (the demo) or errors.
/// </summary>
internal sealed record SyncOptions(bool DryRun = false, bool Sandbox = false, bool SkipUnavailable = false);

/// <summary>
/// One pair's result: its plan's counts, the run's report (null for a dry run), the error that kept it from being
/// planned or sent, and in a sandbox run what the stand-in holds at the end.
/// </summary>
internal sealed record PairResult(SyncPair Pair, SyncPlanCounts? Plan, SyncReport? Report, string? Error,
    SandboxState? Sandbox)
{
    /// <summary>Records the run tried to deliver (accepted, rejected or left pending).</summary>
    public long Sent => Report is null ? 0 : Report.Accepted + Report.Rejected + Report.Pending;

    public string? FailureMessage => Error ?? Report?.Error;

    public bool Complete => FailureMessage is null && (Report?.Complete ?? true);

    public string Status => FailureMessage is not null ? "failed"
        : Report is null ? "planned"
        : Report.Disabled ? "disabled"
        : Report.Pending > 0 ? "pending"
        : "complete";
}

/// <summary>
/// A destination (or one of its audiences, when <paramref name="Audience"/> is set) left out of a run, and why: the
/// demo lists them rather than omit them silently.
/// </summary>
internal sealed record SkippedSync(DestinationDefinition Destination, string? Audience, string Reason);

internal sealed record SyncOutcome(string RunId, SyncOptions Options, IReadOnlyList<PairResult> Pairs, IReadOnlyList<SkippedSync> Skipped)
{
    public bool Complete => Pairs.All(p => p.Complete);
}

/// <summary>
/// Runs the syncs of <c>cdp sync</c> and <c>cdp demo</c>: plans every pair, or builds every destination first (so a
/// missing secret sends nothing) and runs <see cref="AudienceSync"/>, destinations at once and each destination's
/// audiences one after the other (so its rate and concurrency limits hold across them).
/// </summary>
internal static class SyncRun
{
    /// <summary>Tests observe the outcome (with the stand-ins' final members) before the stand-ins stop.</summary>
    internal static readonly AsyncLocal<Action<SyncOutcome>?> Observer = new();

    public static async Task<SyncOutcome> RunAsync(LakeSession lake, SyncProject project, IReadOnlyList<SyncPair> pairs, SyncOptions options,
        Func<string, string?> environment, Action<string>? progress, CancellationToken ct)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"sync_{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}_{Guid.NewGuid().ToString("N")[..8]}");
        var skipped = new List<SkippedSync>();
        var built = await BuiltAudiencesAsync(lake, project.LakeUri, ct);
        const string notBuilt = "not in the latest audience build (a required column was missing, or it was defined since); nothing sent: run cdp audiences build";
        if (options.SkipUnavailable)
        {
            skipped.AddRange(pairs.Where(p => !built.Contains(p.Audience.Name)).Select(p => new SkippedSync(p.Destination, p.Audience.Name, "audience " + notBuilt)));
            pairs = pairs.Where(p => built.Contains(p.Audience.Name)).ToList();
        }

        await using var sandbox = options.Sandbox ? new SandboxSet() : null;
        var ledgerRoot = sandbox is null ? project.LakeUri.TrimEnd('/') + "/gold/" : Path.Combine(sandbox.Root, "gold") + Path.DirectorySeparatorChar;
        var ledger = new SyncLedger(lake.Engine, name => lake.OpenTable(ledgerRoot + name));
        var results = new PairResult?[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            if (!built.Contains(pairs[i].Audience.Name))
                results[i] = new PairResult(pairs[i], null, null, $"audience '{pairs[i].Audience.Name}' is {notBuilt}", null);
        }
        var ready = Enumerable.Range(0, pairs.Count).Where(i => results[i] is null).ToList();

        if (options.DryRun)
        {
            // Planned together, by priority under the caps, as a run would plan them.
            var sync = new AudienceSync(new SyncPlanner(lake.Engine, ledger), new SyncExecutor(ledger), project.Audiences.Pressure);
            var plans = await PlanAllAsync(sync, [.. ready.Select(i => pairs[i])], ct);
            foreach (var (i, result) in ready.Zip(plans)) results[i] = result;
        }
        else
        {
            await SendAsync(lake, ledger, sandbox, project.Audiences.Pressure, [.. ready.Select(i => (i, pairs[i]))], results, runId, environment, progress, ct);
        }

        var outcome = new SyncOutcome(runId, options, results.Select(r => r!).ToList(), skipped);
        Observer.Value?.Invoke(outcome);
        return outcome;
    }

    /// <summary>
    /// Builds every destination first (a missing secret stops the run with nothing sent), then runs the destinations at
    /// once and each destination's audiences one after the other; results land at the pairs' indexes.
    /// </summary>
    private static async Task SendAsync(LakeSession lake, SyncLedger ledger, SandboxSet? sandbox, ContactCaps caps, IReadOnlyList<(int Index, SyncPair Pair)> ready,
        PairResult?[] results, string runId, Func<string, string?> environment, Action<string>? progress, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var factory = new DestinationFactory(http, sandbox?.Environment(environment) ?? environment, lake.Engine);
        var targets = ready.Select(r =>
        {
            var definition = sandbox?.Start(r.Pair) ?? r.Pair.Destination;
            var destination = factory.Create(definition);
            return (r.Index, r.Pair, Target: new SyncTarget(progress is null ? destination : new ProgressDestination(destination, progress), r.Pair.Request(definition)));
        }).ToList();
        // One run plans every pair by audience priority under the contact caps, then sends destinations at once and each
        // destination's audiences in turn.
        var sync = new AudienceSync(new SyncPlanner(lake.Engine, ledger), new SyncExecutor(ledger), caps);
        foreach (var (_, _, target) in targets) progress?.Invoke($"{target.Destination.Name} <- {target.Request.Audience}: planning");
        var reports = await sync.RunAsync([.. targets.Select(t => t.Target)], runId, ct);
        foreach (var ((index, pair, _), report) in targets.Zip(reports))
        {
            progress?.Invoke(Done(report));
            results[index] = new PairResult(pair, report.Plan, report, null, sandbox?.State(pair));
        }
    }

    private static async Task<IReadOnlyList<PairResult>> PlanAllAsync(AudienceSync sync, IReadOnlyList<SyncPair> pairs, CancellationToken ct)
    {
        try
        {
            var plans = await sync.PlanAsync([.. pairs.Select(p => new SyncTarget(new PlanOnly(p.Destination), p.Request(p.Destination)))], ct);
            return [.. pairs.Zip(plans, (pair, plan) => new PairResult(pair, plan.Counts, null, null, null))];
        }
        catch (Exception e) when (e is SyncPlanningException or SqlEngineException)
        {
            return [.. pairs.Select(pair => new PairResult(pair, null, null, e.Message, null))];
        }
    }

    /// <summary>A destination as a dry run sees it: its name and limits, and nothing to send with.</summary>
    private sealed class PlanOnly(DestinationDefinition definition) : IDestination
    {
        public string Name => definition.Name;

        public string Channel => definition.Channel;

        public DestinationLimits Limits => definition.Limits;

        public Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
            => throw new InvalidOperationException("Bug: a dry run sent a batch.");
    }

    private static string Done(SyncReport r)
    {
        var status = r.Error is not null ? "failed" : r.Disabled ? "destination disabled" : r.Pending > 0 ? "incomplete" : "done";
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Destination} <- {r.Audience}: {status}, {r.Accepted:N0} accepted, {r.Rejected:N0} rejected, {r.Pending:N0} pending, {r.Requests} request{(r.Requests == 1 ? "" : "s")}");
    }

    /// <summary>The audiences of the latest build (an audience skipped by it has no rows, which must not read as "everyone left").</summary>
    private static async Task<HashSet<string>> BuiltAudiencesAsync(LakeSession lake, string lakeUri, CancellationToken ct)
    {
        var tables = await lake.RegisterLakeAsync(lakeUri, ct);
        bool Has(string name) => tables.Any(t => t.Schema == "gold" && t.Name == name);
        if (!Has(AudienceBuilder.MembersTable))
            throw new SyncException($"no table gold/{AudienceBuilder.MembersTable} in the lake {lakeUri}; build the audiences first: cdp audiences build");
        var sql = Has(AudienceBuilder.SummaryTable)
            ? $"SELECT audience FROM gold.{AudienceBuilder.SummaryTable} WHERE members_version = (SELECT max(members_version) FROM gold.{AudienceBuilder.SummaryTable})"
            : $"SELECT DISTINCT audience FROM gold.{AudienceBuilder.MembersTable}";
        var rows = await lake.Engine.QueryAsync(sql, ct);
        return rows.Rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
    }
}
