using Cdp.Activation.Sandbox;
using Cdp.Activation.Destinations;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

public class ResumeTests
{
    /// <summary>Where the run dies: after the platform applied a batch but before its outcome was recorded, or before the request.</summary>
    public enum KillPoint { AfterDelivery, BeforeDelivery }

    [Theory]
    [InlineData(KillPoint.AfterDelivery, 3)]
    [InlineData(KillPoint.BeforeDelivery, 3)]
    [InlineData(KillPoint.AfterDelivery, 1)]
    public async Task InterruptedSyncResumesWithoutSendingAnyoneTwiceOrLosingAnyone(KillPoint kill, int killAtSend)
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(500);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 40, 200);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 40, concurrency: 3, rate: 150));
        using var killed = new CancellationTokenSource();
        var dying = new DyingDestination(hook, killAtSend, kill, killed);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx.NewSync().RunAsync([new(dying, fx.Request(dying))], "run-1", killed.Token));
        Assert.True(server.Members.Count < 425, "the first run should have been cut short");

        // A new process: fresh ledger and planner instances over the same lake.
        var plan = (await fx.NewSync().PlanAsync([new(hook, fx.Request(hook))]))[0];
        Assert.True(plan.Recovery.Count >= 1, "the interrupted batch is resent under its id");
        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-2"))[0];

        Assert.True(report.Complete, report.Error);
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);
        Assert.Equal(0, server.RedundantOperations);
        Assert.All(server.AppliedPerPerson.Values, n => Assert.Equal(1, n));
        if (kill == KillPoint.AfterDelivery) Assert.True(server.DuplicateDeliveries >= 1, "the recovered batch should reuse its webhook-id");
        // Every person has exactly one accepted outcome across both runs.
        var accepted = (await fx.LedgerRowsAsync()).Rows.Where(r => (string)r[1]! == "outcome" && (string)r[3]! == "accepted").Select(r => (long)r[0]!).ToList();
        Assert.Equal(425, accepted.Count);
        Assert.Equal(425, accepted.Distinct().Count());
    }

    [Fact]
    public async Task ARecordChangedWhileItsBatchWasInterruptedEndsWithItsNewValues()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(100);
        await using var server = new WebhookContractServer(SyncFixture.Secret, 100, 200);
        var hook = SyncFixture.Webhook(server, SyncFixture.FastLimits(batch: 100, concurrency: 1));
        using var killed = new CancellationTokenSource();
        var dying = new DyingDestination(hook, 1, KillPoint.AfterDelivery, killed);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx.NewSync().RunAsync([new(dying, fx.Request(dying))], "run-1", killed.Token));

        await fx.Engine.ExecuteAsync("UPDATE membership SET email = 'new@example.com' WHERE person_id = 1; UPDATE membership SET holdout = true WHERE person_id = 2");
        var report = (await fx.NewSync().RunAsync([new(hook, fx.Request(hook))], "run-2"))[0];

        Assert.True(report.Complete);
        SyncFixture.AssertHolds(await fx.IntendedAsync(), server);
        Assert.Equal(0, server.RedundantOperations);
    }

    /// <summary>
    /// Cancels the run at its n-th send, after or before passing the batch on: a process killed at that point. Sends
    /// after the n-th (concurrent batches) wait for the kill and pass nothing on, so the n-th batch is delivered in
    /// full (its request is not cut short by the cancellation) when the kill point says so.
    /// </summary>
    private sealed class DyingDestination(IDestination inner, int killAtSend, KillPoint point, CancellationTokenSource kill) : IDestination
    {
        private readonly TaskCompletionSource _dead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sends;

        public string Name => inner.Name;

        public string Channel => inner.Channel;

        public DestinationLimits Limits => inner.Limits;

        public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _sends);
            if (n < killAtSend) return await inner.SendAsync(batch, cancellationToken);
            if (n > killAtSend)
            {
                await _dead.Task;
                throw new OperationCanceledException(kill.Token);
            }
            if (point == KillPoint.AfterDelivery) await inner.SendAsync(batch, CancellationToken.None);
            await kill.CancelAsync();
            _dead.SetResult();
            throw new OperationCanceledException(kill.Token);
        }
    }
}
