using Cdp.Testing;

namespace Cdp.Activation.Tests.Support;

/// <summary>
/// Test classes in this collection share one Azurite server (started on 127.0.0.1 by the fixture, installed on first
/// use). When it cannot start, its tests fail with the reason: blob drops are never skipped silently.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
