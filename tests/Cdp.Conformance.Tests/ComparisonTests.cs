using Xunit.Sdk;

namespace Cdp.Conformance.Tests;

/// <summary>The comparison itself must catch a wrong read: otherwise every green conformance test proves nothing.</summary>
public sealed class ComparisonTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [ConformanceFact]
    public async Task DetectsRowsThatDiffer()
    {
        var folder = Path.Combine(ConformanceData.DeltaFolder(Catalogue.Dat), "basic_append");
        var t = new ConformanceTable(Path.Combine(folder, "delta"), fixture.Engine);
        var latest = await t.Table.GetSnapshotAsync();
        var v0 = ConformanceTable.ParquetFiles(Path.Combine(folder, "expected", "v0", "table_content"));

        // Version 1 holds version 0's rows plus more: the extra rows must be reported.
        var e = await Assert.ThrowsAsync<FailException>(() => t.AssertContentAsync(latest, v0, "latest vs v0"));
        Assert.Contains("read but not expected", e.Message, StringComparison.Ordinal);
    }

    [ConformanceFact]
    public async Task CountsDuplicates()
    {
        var folder = Path.Combine(ConformanceData.DeltaFolder(Catalogue.Dat), "basic_append");
        var t = new ConformanceTable(Path.Combine(folder, "delta"), fixture.Engine);
        var v0 = await t.Table.GetSnapshotAsync(0);
        var expected = ConformanceTable.ParquetFiles(Path.Combine(folder, "expected", "v0", "table_content"));

        // The same rows twice are not the same multiset.
        await Assert.ThrowsAsync<FailException>(() => t.AssertContentAsync(v0, [.. expected, .. expected], "v0 vs v0 twice"));
        await t.AssertContentAsync(v0, expected, "v0 vs v0");
    }
}
