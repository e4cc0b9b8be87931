using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Activation.Configuration;
using Cdp.Audiences;
using Cdp.Cli.Output;
using Cdp.Cli.Sync;
using Cdp.Lake;

namespace Cdp.Cli.Commands;

/// <summary>
/// The sync part of <c>cdp demo</c>: every destination of cdp.yml in sandbox mode (local stand-ins, generated
/// credentials, a throwaway ledger); audiences the latest build skipped are listed as skipped with the reason.
/// </summary>
internal sealed record DemoSync(SyncOutcome? Outcome, string? Failure)
{
    public static async Task<DemoSync> RunAsync(LakeSession lake, string projectDir, string lakeUri, CancellationToken ct)
    {
        try
        {
            var project = SyncProject.Load(projectDir, lakeUri);
            if (project.Destinations.Destinations.Count == 0) return new DemoSync(null, null);
            var outcome = await SyncRun.RunAsync(lake, project, project.Select([], []), new SyncOptions(Sandbox: true, SkipUnavailable: true),
                Environment.GetEnvironmentVariable, null, ct);
            return new DemoSync(outcome, null);
        }
        catch (Exception e) when (e is SyncException or DestinationConfigException or AudienceException)
        {
            return new DemoSync(null, e.Message);
        }
    }

    public bool Succeeded => Failure is null && (Outcome?.Complete ?? true);

    /// <summary>The step's one line: per destination, sent / accepted / rejected, then the skipped ones.</summary>
    public string Describe()
    {
        if (Failure is not null) return "failed: " + Failure;
        if (Outcome is null) return "skipped: cdp.yml declares no destinations";
        var parts = Outcome.Pairs.GroupBy(p => p.Pair.Destination.Name).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Key} {g.Sum(p => p.Sent):N0} sent, {g.Sum(p => p.Report?.Accepted ?? 0):N0} accepted, {g.Sum(p => p.Report?.Rejected ?? 0):N0} rejected{(g.All(p => p.Complete) ? "" : " (incomplete)")}"));
        var line = string.Join("; ", parts);
        return Outcome.Skipped.Count == 0 ? line
            : $"{line}; skipped (see the sync table): {string.Join(", ", Outcome.Skipped.Select(s => s.Audience is null ? s.Destination.Name : $"{s.Destination.Name} <- {s.Audience}"))}";
    }

    public JsonNode? Json() => Outcome is null ? new JsonObject { ["error"] = Failure } : SyncOutput.Json(Outcome);

    /// <summary>The final summary's sync table: per destination and audience, what was sent and who was left out, and why.</summary>
    public void Print(Printer printer)
    {
        if (Outcome is null) return;
        var rows = Outcome.Pairs.Select(p => (IReadOnlyList<object?>)
        [
            p.Pair.Destination.Name, p.Pair.Audience.Name, p.Sent, p.Report?.Accepted, Rejected(p), p.Plan?.ExcludedNoConsent, p.Plan?.ExcludedHoldout,
            p.Plan?.ExcludedCap, p.Sandbox?.Count, p.FailureMessage is { } error ? "failed: " + error : p.Status,
        ]).Concat(Outcome.Skipped.Select(s => (IReadOnlyList<object?>)
        [
            s.Destination.Name, s.Audience ?? string.Join(", ", s.Destination.Audiences), null, null, null, null, null, null, null, "skipped: " + s.Reason,
        ]));
        printer.Rows(["sync (sandbox)", "audience", "sent", "accepted", "rejected", "no consent", "holdout", "capped", "stand-in holds", "status"], rows);
    }

    private static string Rejected(PairResult p)
    {
        var reasons = SyncOutput.TopReasons(p);
        var count = (p.Report?.Rejected ?? 0).ToString("N0", CultureInfo.InvariantCulture);
        return reasons.Length == 0 ? count : $"{count} ({reasons})";
    }
}
