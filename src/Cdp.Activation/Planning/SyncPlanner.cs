using System.Diagnostics;
using System.Globalization;
using Cdp.Activation.Ledger;
using Cdp.Engine;

namespace Cdp.Activation.Planning;

/// <summary>
/// Plans a sync in SQL as named steps, each a temp table that can be inspected on its own:
/// <list type="number">
/// <item><c>current</c>: the qualifying members (consent true, holdout false) with their export fields as text and a fingerprint;</item>
/// <item><c>ledger</c>: this pair's records, each intent folded with its outcome if any (one aggregation pass);</item>
/// <item><c>orphans</c>: intents without an outcome (an interrupted run may have delivered them);</item>
/// <item><c>held</c>: what the destination holds: per person, the latest of its accepted outcomes and orphan intents;</item>
/// <item><c>recovery</c>: orphan intents still wanted as announced (resent under their batch id), the rest superseded;</item>
/// <item><c>diff</c>: adds, updates and removes of <c>current</c> against <c>held</c>, minus records rejected before with the same
/// fields, and, under a contact cap, minus the adds of people with no contact left on the channel.</item>
/// </list>
/// Nothing is sent; the plan is a value.
/// </summary>
public sealed class SyncPlanner
{
    private readonly DuckDbEngine _engine;
    private readonly SyncLedger _ledger;

    public SyncPlanner(DuckDbEngine engine, SyncLedger ledger)
    {
        _engine = engine;
        _ledger = ledger;
    }

    public Task<SyncPlan> PlanAsync(SyncRequest request, CancellationToken cancellationToken = default)
        => PlanAsync(request, null, cancellationToken);

    /// <summary>Contact counts for one run of several plans under <paramref name="caps"/> (see <see cref="ContactPressure"/>).</summary>
    internal ContactPressure BeginPressure(Cdp.Audiences.Definitions.ContactCaps caps, DateTimeOffset now, IReadOnlyDictionary<string, string> destinationChannels)
        => new(_engine, _ledger, caps, now, destinationChannels);

    /// <summary>Plans one request; under <paramref name="pressure"/>, adds beyond the channel's cap are held back and the planned ones counted.</summary>
    internal async Task<SyncPlan> PlanAsync(SyncRequest request, ContactPressure? pressure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BatchSize < 1) throw SyncPlanningException.InvalidRequest(request, $"the batch size must be at least 1, not {request.BatchSize}");
        if (string.IsNullOrWhiteSpace(request.Channel)) throw SyncPlanningException.InvalidRequest(request, "no consent channel was given");
        var timings = new List<PlanStepTiming>();
        var clock = Stopwatch.StartNew();
        void Lap(string step)
        {
            timings.Add(new PlanStepTiming(step, clock.Elapsed));
            clock.Restart();
        }
        await ValidateAsync(request, cancellationToken).ConfigureAwait(false);

        var cap = pressure is null ? null : await pressure.LimitAsync(request.Channel, cancellationToken).ConfigureAwait(false);
        Lap("validate");
        var steps = new PlanSteps(request, "__cdp_sync_" + Guid.NewGuid().ToString("N"), cap);
        try
        {
            var ledgerView = await _ledger.CreateViewAsync(steps.Name("ledger_view"), cancellationToken).ConfigureAwait(false);
            var hasFields = ledgerView is not null && (await _engine.DescribeAsync($"SELECT * FROM {ledgerView}", cancellationToken).ConfigureAwait(false))
                .Any(c => c.Name == "fields");
            foreach (var (step, sql) in steps.Build(ledgerView, hasFields))
            {
                await _engine.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
                Lap(step);
            }
            var plan = await ReadPlanAsync(request, steps, Lap, cancellationToken).ConfigureAwait(false);
            foreach (var sql in steps.RecordContactsSql()) await _engine.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
            if (cap is not null) Lap("contacts");
            return plan with { Timings = timings };
        }
        finally
        {
            await _engine.ExecuteAsync(steps.DropAll(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task ValidateAsync(SyncRequest request, CancellationToken ct)
    {
        var columns = (await _engine.DescribeAsync($"SELECT * FROM {request.MembershipRelation} AS m", ct).ConfigureAwait(false))
            .Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!columns.Contains("person_id")) throw SyncPlanningException.MissingColumn(request, "person_id", "the person's id");
        if (!columns.Contains(request.ConsentColumn)) throw SyncPlanningException.MissingColumn(request, request.ConsentColumn, $"consent for the {request.Channel} channel");
        if (!columns.Contains("holdout")) throw SyncPlanningException.MissingColumn(request, "holdout", "holdout membership");
        foreach (var c in request.ExportColumns)
        {
            if (!columns.Contains(c)) throw SyncPlanningException.MissingColumn(request, c, "an export column");
        }
        if (request.ExportColumns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != request.ExportColumns.Count)
            throw SyncPlanningException.InvalidRequest(request, "an export column is listed twice");

        var check = await _engine.QueryAsync(
            $"SELECT count(*) - count(DISTINCT person_id), count(*) - count(person_id) FROM {request.MembershipRelation} AS m", ct).ConfigureAwait(false);
        var duplicates = Convert.ToInt64(check.Rows[0][0], CultureInfo.InvariantCulture);
        var nulls = Convert.ToInt64(check.Rows[0][1], CultureInfo.InvariantCulture);
        if (nulls > 0) throw SyncPlanningException.NullPeople(request, nulls);
        if (duplicates > 0) throw SyncPlanningException.DuplicatePeople(request, duplicates);
    }

    private async Task<SyncPlan> ReadPlanAsync(SyncRequest request, PlanSteps steps, Action<string> lap, CancellationToken ct)
    {
        var counts = (await _engine.QueryAsync(steps.CountsSql(), ct).ConfigureAwait(false)).Rows[0];
        lap("counts");
        long C(int i) => Convert.ToInt64(counts[i] ?? 0L, CultureInfo.InvariantCulture);

        var fieldCount = request.ExportColumns.Count;
        var recovery = new List<SyncBatch>();
        var superseded = new List<SupersededRecord>();
        var recoveryRows = await _engine.QueryAsync(steps.RecoverySql(), ct).ConfigureAwait(false);
        foreach (var group in recoveryRows.Rows.GroupBy(r => (string)r[0]!))
        {
            var wanted = new List<SyncRecord>();
            foreach (var row in group)
            {
                var operation = SyncOperations.Parse((string)row[2]!);
                var fingerprint = (string)row[3]!;
                if ((bool)row[4]!) wanted.Add(new SyncRecord(Convert.ToInt64(row[1], CultureInfo.InvariantCulture), operation, fingerprint, Fields(row, 5, fieldCount)));
                else superseded.Add(new SupersededRecord(group.Key, Convert.ToInt64(row[1], CultureInfo.InvariantCulture), operation, fingerprint));
            }
            if (wanted.Count > 0) recovery.Add(new SyncBatch(group.Key, wanted[0].Operation, wanted));
        }
        lap("recovery");

        // Streamed into batches as the rows arrive (ordered by operation, then person), so only the records are held.
        var batches = new List<SyncBatch>();
        List<SyncRecord>? chunk = null;
        var chunkOperation = SyncOperation.Add;
        await _engine.StreamAsync(steps.DiffSql(), reader =>
        {
            var operation = SyncOperations.Parse(reader.GetString(1));
            if (chunk is not null && (chunk.Count == request.BatchSize || operation != chunkOperation))
            {
                batches.Add(new SyncBatch(null, chunkOperation, chunk));
                chunk = null;
            }
            chunk ??= new List<SyncRecord>(Math.Min(request.BatchSize, 4096));
            chunkOperation = operation;
            var fields = new string?[fieldCount];
            for (var i = 0; i < fieldCount; i++) fields[i] = reader.IsDBNull(3 + i) ? null : reader.GetString(3 + i);
            string?[]? sent = null;
            if (operation == SyncOperation.Update)
            {
                sent = new string?[fieldCount];
                for (var i = 0; i < fieldCount; i++) sent[i] = reader.IsDBNull(3 + fieldCount + i) ? null : reader.GetString(3 + fieldCount + i);
                // Equal only when the ledger kept no fields (written before it did): nothing known to take back.
                if (sent.AsSpan().SequenceEqual(fields)) sent = null;
            }
            chunk.Add(new SyncRecord(reader.GetInt64(0), operation, reader.GetString(2), fields) { Sent = sent });
        }, ct).ConfigureAwait(false);
        if (chunk is not null) batches.Add(new SyncBatch(null, chunkOperation, chunk));
        lap("read_records");

        var planCounts = new SyncPlanCounts(
            Members: C(0), Qualifying: C(1), ExcludedNoConsent: C(2), ExcludedHoldout: C(3), Held: C(4),
            Adds: C(5), Updates: C(6), Removes: C(7), Unchanged: C(8), SkippedRejected: C(9),
            Recovered: recovery.Sum(b => (long)b.Records.Count), BatchCount: recovery.Count + batches.Count, ExcludedCap: C(10));
        return new SyncPlan(request, planCounts, recovery, superseded, batches);
    }

    private static string?[] Fields(object?[] row, int offset, int count)
    {
        var fields = new string?[count];
        for (var i = 0; i < count; i++) fields[i] = (string?)row[offset + i];
        return fields;
    }
}
