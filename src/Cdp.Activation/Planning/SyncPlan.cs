namespace Cdp.Activation.Planning;

/// <summary>
/// What a sync of one audience to one destination will send: a value, computed without sending anything (a dry run
/// prints it). <see cref="Recovery"/> batches were announced by an interrupted run and are resent first under their
/// original ids; <see cref="Batches"/> hold the diff between the membership and what the destination holds.
/// </summary>
public sealed record SyncPlan(SyncRequest Request, SyncPlanCounts Counts, IReadOnlyList<SyncBatch> Recovery, IReadOnlyList<SupersededRecord> Superseded,
    IReadOnlyList<SyncBatch> Batches)
{
    /// <summary>Every batch in sending order: recovered ones first.</summary>
    public IEnumerable<SyncBatch> AllBatches => Recovery.Concat(Batches);

    /// <summary>True when nothing needs sending or recording.</summary>
    public bool IsEmpty => Recovery.Count == 0 && Superseded.Count == 0 && Batches.Count == 0;

    /// <summary>How long each named step of the planning took, in order (diagnostics: which step a large plan spends its time in).</summary>
    public IReadOnlyList<PlanStepTiming> Timings { get; init; } = [];
}

/// <summary>The wall-clock time of one planning step: validate, each SQL step of <see cref="SyncPlanner"/>, counts, recovery, read_records (the diff fetched into records and batches), contacts (under a cap).</summary>
public sealed record PlanStepTiming(string Step, TimeSpan Elapsed);

/// <summary>
/// The plan's figures. Members are the membership's rows; <see cref="Qualifying"/> of them may be sent,
/// <see cref="ExcludedNoConsent"/> lack the channel's consent and <see cref="ExcludedHoldout"/> are in a holdout
/// (a holdout row is counted there whatever its consent). <see cref="SkippedRejected"/> were rejected by the
/// destination with the same fields before and are not resent until they change. <see cref="ExcludedCap"/> are adds
/// held back by a contact cap (the person had as many contacts on the channel as the window allows): not sent, not
/// recorded, and planned again by later runs.
/// </summary>
public sealed record SyncPlanCounts(long Members, long Qualifying, long ExcludedNoConsent, long ExcludedHoldout, long Held,
    long Adds, long Updates, long Removes, long Unchanged, long SkippedRejected, long Recovered, int BatchCount, long ExcludedCap = 0)
{
    public long Operations => Adds + Updates + Removes;
}
