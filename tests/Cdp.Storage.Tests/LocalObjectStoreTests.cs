using Cdp.Testing;

namespace Cdp.Storage.Tests;

/// <summary>The contract on a folder of the local file system.</summary>
public sealed class LocalObjectStoreTests : ObjectStoreContract
{
    private readonly TempDirectory _root = new("local-store");

    protected override Task<IObjectStore> CreateStoreAsync()
        => Task.FromResult<IObjectStore>(new LocalObjectStore(Path.Combine(_root.Path, "table")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }
}
