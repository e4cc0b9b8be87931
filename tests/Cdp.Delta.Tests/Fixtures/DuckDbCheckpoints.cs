using Cdp.Engine;

namespace Cdp.Delta.Tests.Fixtures;

/// <summary>
/// The Parquet checkpoint format on its own DuckDB engine and cache folder. In-memory stores all share one
/// location, so each test needs its own cache or parallel tests would read each other's checkpoints.
/// </summary>
public sealed class DuckDbCheckpoints : IDisposable
{
    public DuckDbCheckpoints()
    {
        Cache = new TempFolder("cdp-delta-cache");
        Engine = new DuckDbEngine(cacheDirectory: Cache.Path, threads: 2);
        Format = new DuckDbCheckpointFormat(Engine);
    }

    public TempFolder Cache { get; }

    public DuckDbEngine Engine { get; }

    public DuckDbCheckpointFormat Format { get; }

    public void Dispose()
    {
        Engine.Dispose();
        Cache.Dispose();
    }
}
