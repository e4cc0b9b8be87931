using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Activation.Planning;
using Cdp.Cli.Output;

namespace Cdp.Cli.Sync;

/// <summary>How a sync's outcome prints: a table per run or plan, and one JSON document.</summary>
internal static class SyncOutput
{
    private static IReadOnlyList<string> PlanColumns =>
        ["destination", "audience", "members", "qualifying", "no consent", "holdout", "capped", "adds", "updates", "removes", "unchanged", "skipped rejected", "recovered",
            "batches"];

    private static IReadOnlyList<object?> PlanRow(PairResult r)
    {
        var p = r.Plan;
        return [r.Pair.Destination.Name, r.Pair.Audience.Name, p?.Members, p?.Qualifying, p?.ExcludedNoConsent, p?.ExcludedHoldout, p?.ExcludedCap, p?.Adds, p?.Updates,
            p?.Removes, p?.Unchanged, p?.SkippedRejected, p?.Recovered, p?.BatchCount];
    }

    /// <summary>The run's columns; the reasons only when something was rejected, the stand-ins' members only in a sandbox.</summary>
    private static IReadOnlyList<string> RunColumns(bool reasons, bool sandbox) =>
    [
        "destination", "audience", "sent", "accepted", "rejected", .. reasons ? ["top reasons"] : Array.Empty<string>(), "pending", "no consent", "holdout", "requests",
        "status", .. sandbox ? ["sandbox members"] : Array.Empty<string>(),
    ];

    private static IReadOnlyList<object?> RunRow(PairResult r, bool reasons, bool sandbox)
    {
        var report = r.Report;
        return
        [
            r.Pair.Destination.Name, r.Pair.Audience.Name, report is null ? null : r.Sent, report?.Accepted, report?.Rejected, .. reasons ? [TopReasons(r)] : Array.Empty<object?>(),
            report?.Pending, r.Plan?.ExcludedNoConsent, r.Plan?.ExcludedHoldout, report?.Requests, r.Status, .. sandbox ? [r.Sandbox?.Count] : Array.Empty<object?>(),
        ];
    }

    /// <summary>The three most frequent rejection reasons with their counts: <c>http_422:invalid_email 3, ...</c>.</summary>
    public static string TopReasons(PairResult r, int top = 3)
    {
        if (r.Report is null || r.Report.RejectionReasons.Count == 0) return "";
        var reasons = r.Report.RejectionReasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", reasons.Take(top).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));
        return reasons.Count > top ? $"{shown}, +{reasons.Count - top} more" : shown;
    }

    public static JsonObject Json(SyncOutcome outcome) => new()
    {
        ["run_id"] = outcome.Options.DryRun ? null : outcome.RunId,
        ["dry_run"] = outcome.Options.DryRun,
        ["sandbox"] = outcome.Options.Sandbox,
        ["complete"] = outcome.Complete,
        ["syncs"] = new JsonArray(outcome.Pairs.Select(p => (JsonNode)Json(p, outcome.Options)).ToArray()),
        ["skipped"] = new JsonArray(outcome.Skipped.Select(s => (JsonNode)new JsonObject
        {
            ["destination"] = s.Destination.Name, ["type"] = s.Destination.TypeName, ["audience"] = s.Audience, ["reason"] = s.Reason,
        }).ToArray()),
    };

    private static JsonObject Json(PairResult r, SyncOptions options)
    {
        var o = new JsonObject
        {
            ["destination"] = r.Pair.Destination.Name,
            ["type"] = r.Pair.Destination.TypeName,
            ["audience"] = r.Pair.Audience.Name,
            ["channel"] = r.Pair.Destination.Channel,
            ["status"] = r.Status,
            ["complete"] = r.Complete,
            ["error"] = r.FailureMessage,
            ["plan"] = r.Plan is { } p ? Json(p) : null,
        };
        if (options.DryRun) return o;
        var report = r.Report;
        o["sent"] = report is null ? null : r.Sent;
        o["accepted"] = report?.Accepted;
        o["rejected"] = report?.Rejected;
        o["rejection_reasons"] = report is null ? null : new JsonObject(report.RejectionReasons.OrderByDescending(kv => kv.Value)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        o["pending"] = report?.Pending;
        o["excluded_no_consent"] = r.Plan?.ExcludedNoConsent;
        o["excluded_holdout"] = r.Plan?.ExcludedHoldout;
        o["requests"] = report?.Requests;
        o["disabled"] = report?.Disabled;
        if (options.Sandbox) o["sandbox_members"] = r.Sandbox?.Count;
        return o;
    }

    private static JsonObject Json(SyncPlanCounts p) => new()
    {
        ["members"] = p.Members, ["qualifying"] = p.Qualifying, ["excluded_no_consent"] = p.ExcludedNoConsent, ["excluded_holdout"] = p.ExcludedHoldout,
        ["held"] = p.Held, ["adds"] = p.Adds, ["updates"] = p.Updates, ["removes"] = p.Removes, ["unchanged"] = p.Unchanged,
        ["skipped_rejected"] = p.SkippedRejected, ["recovered"] = p.Recovered, ["batches"] = p.BatchCount, ["excluded_cap"] = p.ExcludedCap,
    };

    /// <summary>Prints the outcome as tables, or as one JSON document.</summary>
    public static void Print(Printer printer, SyncOutcome outcome)
    {
        if (printer.IsJson)
        {
            printer.Json(Json(outcome));
            return;
        }
        var sandbox = outcome.Options.Sandbox;
        if (outcome.Options.DryRun) printer.Rows(PlanColumns, outcome.Pairs.Select(PlanRow));
        else
        {
            var reasons = outcome.Pairs.Any(p => p.Report?.RejectionReasons.Count > 0);
            printer.Rows(RunColumns(reasons, sandbox), outcome.Pairs.Select(p => RunRow(p, reasons, sandbox)));
        }
        if (outcome.Skipped.Count > 0)
            printer.Rows(["skipped", "audience", "reason"], outcome.Skipped.Select(s => (IReadOnlyList<object?>)[s.Destination.Name, s.Audience ?? "all", s.Reason]));
    }
}
