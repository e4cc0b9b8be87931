using System.Globalization;
using Cdp.Activation.Ledger;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

/// <summary>The ledger's group commit: appends made at once share Delta commits, and each keeps its own values.</summary>
public class LedgerTests
{
    [Fact]
    public async Task ConcurrentAppendsAreEachCommittedWholeWithTheirOwnValues()
    {
        await using var fx = new SyncFixture();
        var ledger = fx.NewLedger();
        // 4 destinations x 10 batches of 25 people, announced at once, then their outcomes at once.
        var batches = Enumerable.Range(0, 40).Select(b => (
            Request: new SyncRequest($"dest-{b % 4}", $"aud'{b % 3}", "membership", b % 2 == 0 ? "email" : "sms", SyncFixture.ExportColumns, 25),
            BatchId: $"msg_{b}",
            Records: Enumerable.Range(b * 25, 25).Select(p => new SyncRecord(p, SyncOperation.Add, $"fp{p}", ["a", "b", "c"])).ToList())).ToList();
        await Task.WhenAll(batches.Select(b => Task.Run(() => ledger.RecordIntentAsync("run-1", b.Request, b.BatchId, b.Records))));
        await Task.WhenAll(batches.Select(b => Task.Run(() => ledger.RecordOutcomesAsync("run-1", b.Request, b.BatchId,
            b.Records.Select(r => new RecordOutcome(r, r.PersonId % 7 == 0 ? RecordStatus.Rejected : RecordStatus.Accepted, r.PersonId % 7 == 0 ? "bad_email" : null)).ToList()))));

        var view = await ledger.CreateViewAsync("ledger_all");
        var rows = (await fx.Engine.QueryAsync($"SELECT person_id, batch_id, destination, audience, channel, event, status, reason, fingerprint, \"at\" FROM {view}")).Rows;
        Assert.Equal(2 * 40 * 25, rows.Count);
        foreach (var b in batches)
        {
            var ofBatch = rows.Where(r => (string)r[1]! == b.BatchId).ToList();
            Assert.Equal(50, ofBatch.Count);
            Assert.All(ofBatch, r => Assert.Equal((b.Request.Destination, b.Request.Audience, b.Request.Channel), ((string)r[2]!, (string)r[3]!, (string)r[4]!)));
            Assert.Equal(b.Records.Select(r => r.PersonId).Order(), ofBatch.Where(r => (string)r[5]! == "intent").Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).Order());
            Assert.All(ofBatch, r => Assert.Equal($"fp{r[0]}", (string)r[8]!));
            // One timestamp per append, and each outcome after its intent.
            var intentAt = Assert.Single(ofBatch.Where(r => (string)r[5]! == "intent").Select(r => (DateTime)r[9]!).Distinct());
            var outcomeAt = Assert.Single(ofBatch.Where(r => (string)r[5]! == "outcome").Select(r => (DateTime)r[9]!).Distinct());
            Assert.True(outcomeAt > intentAt);
        }
        Assert.All(rows.Where(r => (string)r[5]! == "outcome"), r =>
            Assert.Equal(Convert.ToInt64(r[0], CultureInfo.InvariantCulture) % 7 == 0 ? ("rejected", "bad_email") : ("accepted", (string?)null), ((string)r[6]!, (string?)r[7])));
        // Every append has its own timestamp (80 appends), whatever commits they shared.
        Assert.Equal(80, rows.Select(r => (DateTime)r[9]!).Distinct().Count());
    }

    [Fact]
    public async Task AnAppendCancelledBeforeItIsCommittedWritesNothing()
    {
        await using var fx = new SyncFixture();
        var ledger = fx.NewLedger();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var request = new SyncRequest("hook", "a", "membership", "email", SyncFixture.ExportColumns, 10);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ledger.RecordIntentAsync("run-1", request, "msg_1", [new SyncRecord(1, SyncOperation.Add, "f", ["a", "b", "c"])], cancelled.Token));
        Assert.Empty((await fx.LedgerRowsAsync()).Rows);
        // The ledger still takes appends afterwards.
        await ledger.RecordIntentAsync("run-1", request, "msg_2", [new SyncRecord(2, SyncOperation.Add, "f", ["a", "b", "c"])]);
        Assert.Equal(2L, Convert.ToInt64(Assert.Single((await fx.LedgerRowsAsync()).Rows)[0], CultureInfo.InvariantCulture));
    }
}
