using Cdp.Activation.Planning;

namespace Cdp.Activation.Execution;

/// <summary>
/// What one (destination, audience) sync did: the plan's counts, the records per final status, the rejection reasons
/// with their counts, the requests made (retries included), and the error that stopped it, if any.
/// </summary>
public sealed record SyncReport(string Destination, string Audience, SyncPlanCounts Plan, long Accepted, long Rejected, long Pending,
    IReadOnlyDictionary<string, long> RejectionReasons, int Requests, bool Disabled, string? Error)
{
    /// <summary>True when every planned record was acknowledged (accepted or rejected with a reason) and nothing failed.</summary>
    public bool Complete => Pending == 0 && Error is null && !Disabled;
}
