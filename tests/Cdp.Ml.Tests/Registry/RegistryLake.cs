using Cdp.Delta;
using Cdp.Engine;
using Cdp.Ml.Registry;
using Cdp.Storage;
using Cdp.Testing;

namespace Cdp.Ml.Tests.Registry;

/// <summary>
/// A temp lake on local disk whose gold zone holds the registry table, with an engine; more engines (as other
/// processes would have) can open the same table. Disposes every engine it made and deletes the folder.
/// </summary>
public sealed class RegistryLake : IDisposable
{
    private readonly TempDirectory _root = new("ml-registry");
    private readonly List<DuckDbEngine> _engines = [];

    public RegistryLake() => Engine = NewEngine();

    public DuckDbEngine Engine { get; }

    public string GoldFolder => _root.Combine("gold");

    public DuckDbEngine NewEngine()
    {
        var engine = new DuckDbEngine(cacheDirectory: _root.Combine(".cache"));
        lock (_engines) _engines.Add(engine);
        return engine;
    }

    /// <summary>Opens a gold table by name through <paramref name="engine"/>, as the lake's zone opener does.</summary>
    public DeltaTable Open(DuckDbEngine engine, string name)
        => new(new LocalObjectStore(Path.Combine(GoldFolder, name)), new DuckDbCheckpointFormat(engine));

    public ModelRegistry Registry(DuckDbEngine? engine = null, TimeProvider? clock = null)
    {
        engine ??= Engine;
        return new ModelRegistry(engine, name => Open(engine, name), clock);
    }

    public DeltaTable Table => Open(Engine, ModelRegistry.TableName);

    /// <summary>The SELECT over the table's latest snapshot.</summary>
    public async Task<string> ScanAsync()
    {
        var table = Table;
        return await SnapshotScan.BuildAsync(Engine, table.Store, await table.GetSnapshotAsync());
    }

    public void Dispose()
    {
        foreach (var engine in _engines) engine.Dispose();
        _root.Dispose();
    }
}

/// <summary>A clock that always says the same instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
