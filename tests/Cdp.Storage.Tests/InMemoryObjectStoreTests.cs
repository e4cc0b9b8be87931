namespace Cdp.Storage.Tests;

/// <summary>The contract on the in-memory store the Delta protocol tests use.</summary>
public sealed class InMemoryObjectStoreTests : ObjectStoreContract
{
    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new InMemoryObjectStore());
}
