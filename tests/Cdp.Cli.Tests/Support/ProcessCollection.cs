namespace Cdp.Cli.Tests.Support;

/// <summary>Tests that start many processes or threads run one at a time, so they do not starve each other of the CPUs.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "heavy";
}
