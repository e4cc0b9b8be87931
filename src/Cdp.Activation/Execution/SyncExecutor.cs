using System.Collections.Concurrent;
using Cdp.Activation.Destinations;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Execution;

/// <summary>
/// Sends a plan's batches to one destination and records every record's outcome in the ledger.
/// </summary>
/// <remarks>
/// The checkpoint protocol: a batch's intent is committed to the ledger before its first request, and its outcomes
/// after the platform's final answer. A run killed in between leaves an intent without outcome, which the next plan
/// resends first under the same batch id (the platform's idempotency key), so nobody is sent twice or lost.
/// At most <see cref="DestinationLimits.MaxConcurrency"/> batches are being sent at a time (a few more have their
/// intent committed ahead, so the ledger never idles the destination), request starts are spaced by the destination's
/// rate, and transient failures are retried (<see cref="DeliveryPipeline"/>). A batch the platform
/// refuses as a whole is split in halves until the refused records stand alone; each is then rejected with the
/// platform's reason, and the rest of the batch goes through.
/// </remarks>
public sealed class SyncExecutor
{
    private readonly SyncLedger _ledger;
    private readonly TimeProvider _clock;

    public SyncExecutor(SyncLedger ledger, TimeProvider? clock = null)
    {
        _ledger = ledger;
        _clock = clock ?? TimeProvider.System;
    }

    public async Task<SyncReport> ExecuteAsync(IDestination destination, SyncPlan plan, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(plan);
        var request = plan.Request;
        if (!string.Equals(request.Destination, destination.Name, StringComparison.Ordinal))
            throw new ArgumentException($"The plan is for destination '{request.Destination}', not '{destination.Name}'.", nameof(plan));
        var tally = new Tally();
        var pipeline = new DeliveryPipeline(destination, _clock == TimeProvider.System ? null : _clock);
        using var disabled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // What disabled the destination (the platform's reason), for the records it leaves unsent.
        var disabledReason = "destination disabled";

        // Superseded records are settled first: their outcome only says "not delivered by this batch".
        foreach (var group in plan.Superseded.GroupBy(s => s.BatchId))
        {
            var outcomes = group.Select(s => new RecordOutcome(new SyncRecord(s.PersonId, s.Operation, s.Fingerprint, []), RecordStatus.Pending, "superseded")).ToList();
            await _ledger.RecordOutcomesAsync(runId, request, group.Key, outcomes, cancellationToken).ConfigureAwait(false);
        }

        // Requests in flight are capped by the send slots; more batches than that are in progress, so that the intent
        // of the next batches is being committed while the current ones are sent: the ledger's latency then never
        // leaves a send slot idle. On a kill, the batches announced ahead are orphans, resent by the next run.
        var concurrency = Math.Max(1, destination.Limits.MaxConcurrency);
        var inProgress = concurrency + Math.Max(concurrency, (int)Math.Min(64, Math.Ceiling(destination.Limits.RequestsPerSecond / 2)));
        using var sendSlots = new SemaphoreSlim(concurrency, concurrency);
        var options = new ParallelOptions { MaxDegreeOfParallelism = inProgress, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.AllBatches, options, async (batch, ct) =>
        {
            var batchId = batch.BatchId ?? NewBatchId();
            if (disabled.IsCancellationRequested)
            {
                if (batch.BatchId is not null) return; // a recovered batch stays an orphan until the destination is back
                tally.Add(batch.Records.Select(r => new RecordOutcome(r, RecordStatus.Pending, Volatile.Read(ref disabledReason))));
                return;
            }
            if (batch.BatchId is null) await _ledger.RecordIntentAsync(runId, request, batchId, batch.Records, ct).ConfigureAwait(false);
            var outcomes = new List<RecordOutcome>(batch.Records.Count);
            await sendSlots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (disabled.IsCancellationRequested)
                {
                    if (batch.BatchId is not null) return;
                    // Announced but never sent: an outcome says so, and the next run plans these records again.
                    outcomes.AddRange(batch.Records.Select(r => new RecordOutcome(r, RecordStatus.Pending, Volatile.Read(ref disabledReason))));
                }
                else
                {
                    var delivery = new DeliveryBatch(runId, request.Audience, batchId, batch.Operation, request.ExportColumns, batch.Records, _clock.GetUtcNow());
                    var stop = await DeliverAsync(pipeline, delivery, outcomes, ct).ConfigureAwait(false);
                    if (stop)
                    {
                        Volatile.Write(ref disabledReason, outcomes[^1].Reason ?? disabledReason);
                        await disabled.CancelAsync().ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                sendSlots.Release();
            }
            await _ledger.RecordOutcomesAsync(runId, request, batchId, outcomes, ct).ConfigureAwait(false);
            tally.Add(outcomes);
        }).ConfigureAwait(false);

        return new SyncReport(request.Destination, request.Audience, plan.Counts, tally.Accepted, tally.Rejected, tally.Pending,
            tally.Reasons.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), pipeline.Requests, disabled.IsCancellationRequested && !cancellationToken.IsCancellationRequested, null);
    }

    /// <summary>Delivers a batch, splitting it while the platform refuses it whole; returns true when the destination is disabled.</summary>
    private static async Task<bool> DeliverAsync(DeliveryPipeline pipeline, DeliveryBatch batch, List<RecordOutcome> outcomes, CancellationToken ct)
    {
        var response = await pipeline.SendAsync(batch, ct).ConfigureAwait(false);
        switch (response.Status)
        {
            case DeliveryStatus.Accepted:
                foreach (var r in batch.Records)
                {
                    outcomes.Add(response.Rejections.TryGetValue(r.PersonId, out var reason)
                        ? new RecordOutcome(r, RecordStatus.Rejected, Reason(reason))
                        : new RecordOutcome(r, RecordStatus.Accepted, null));
                }
                return false;
            case DeliveryStatus.Rejected when batch.Records.Count > 1:
                // Halves get ids derived from the batch's, so a resumed run resends the same halves under the same keys.
                var half = batch.Records.Count / 2;
                var first = batch with { BatchId = batch.BatchId + ".1", Records = batch.Records.Take(half).ToList() };
                var second = batch with { BatchId = batch.BatchId + ".2", Records = batch.Records.Skip(half).ToList() };
                return await DeliverAsync(pipeline, first, outcomes, ct).ConfigureAwait(false)
                    || await DeliverAsync(pipeline, second, outcomes, ct).ConfigureAwait(false);
            case DeliveryStatus.Rejected:
                outcomes.Add(new RecordOutcome(batch.Records[0], RecordStatus.Rejected, Reason(response.Reason)));
                return false;
            case DeliveryStatus.Disabled:
                outcomes.AddRange(batch.Records.Select(r => new RecordOutcome(r, RecordStatus.Pending, Reason(response.Reason ?? "disabled"))));
                return true;
            default:
                outcomes.AddRange(batch.Records.Select(r => new RecordOutcome(r, RecordStatus.Pending, "retries exhausted: " + Reason(response.Reason))));
                return false;
        }
    }

    private static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "unspecified" : reason.Length > 200 ? reason[..200] : reason;

    private static string NewBatchId() => "msg_" + Guid.NewGuid().ToString("N");

    private sealed class Tally
    {
        private long _accepted, _rejected, _pending;

        public ConcurrentDictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);

        public long Accepted => Interlocked.Read(ref _accepted);

        public long Rejected => Interlocked.Read(ref _rejected);

        public long Pending => Interlocked.Read(ref _pending);

        public void Add(IEnumerable<RecordOutcome> outcomes)
        {
            foreach (var o in outcomes)
            {
                switch (o.Status)
                {
                    case RecordStatus.Accepted: Interlocked.Increment(ref _accepted); break;
                    case RecordStatus.Rejected:
                        Interlocked.Increment(ref _rejected);
                        Reasons.AddOrUpdate(o.Reason ?? "unspecified", 1, (_, n) => n + 1);
                        break;
                    default: Interlocked.Increment(ref _pending); break;
                }
            }
        }
    }
}
