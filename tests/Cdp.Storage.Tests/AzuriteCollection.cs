using Cdp.Testing;

namespace Cdp.Storage.Tests;

/// <summary>Test classes in this collection share one Azurite server for the whole run of this project.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
