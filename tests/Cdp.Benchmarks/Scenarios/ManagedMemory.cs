namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// The managed heap while an operation runs: the highest <see cref="GC.GetTotalMemory"/> seen by a sampler polling
/// every few milliseconds (it may miss a spike shorter than that; garbage not yet collected counts), and the bytes
/// allocated meanwhile. Start it right after <c>GC.GetTotalMemory(true)</c> so that its starting point is the live heap.
/// </summary>
internal sealed class ManagedMemory : IDisposable
{
    private readonly long _startBytes = GC.GetTotalMemory(forceFullCollection: false);
    private readonly long _startAllocated = GC.GetTotalAllocatedBytes(precise: true);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;

    public ManagedMemory()
    {
        _peak = _startBytes;
        _sampler = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
                try
                {
                    await Task.Delay(5, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>Highest heap size seen above the starting heap, in MB.</summary>
    public double PeakMb { get; private set; }

    /// <summary>Bytes allocated between start and stop, in MB.</summary>
    public double AllocatedMb { get; private set; }

    public void Stop()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
        _stop.Cancel();
        _sampler.GetAwaiter().GetResult();
        PeakMb = Math.Round((Interlocked.Read(ref _peak) - _startBytes) / 1e6, 1);
        AllocatedMb = Math.Round((GC.GetTotalAllocatedBytes(precise: true) - _startAllocated) / 1e6, 1);
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        _stop.Dispose();
    }
}
