using Cdp.Delta;

namespace Cdp.Conformance.Tests;

/// <summary>
/// delta-io/delta's golden tables (as packaged by delta-kernel-rs): each table does exactly what catalogue.json says:
/// read equal to expected/, open with a catalogued shape, be refused naming the feature, or fail naming the problem.
/// </summary>
public sealed class KernelGoldenTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    public static TheoryData<string> Tables()
        => new(Catalogue.Suite(Catalogue.KernelGolden).Keys.Order(StringComparer.Ordinal));

    [ConformanceTheory]
    [MemberData(nameof(Tables))]
    public async Task BehavesAsCatalogued(string table)
    {
        var entry = Catalogue.Entry(Catalogue.KernelGolden, table);
        var folder = Path.Combine(ConformanceData.DeltaFolder(Catalogue.KernelGolden), table);
        var label = $"kernel-golden/{table}";
        var t = new ConformanceTable(Path.Combine(folder, "delta"), fixture.Engine);
        switch (entry.Outcome)
        {
            case Outcome.Read:
                var snapshot = await t.Table.GetSnapshotAsync();
                await t.AssertContentAsync(snapshot, ConformanceTable.ParquetFiles(Path.Combine(folder, "expected")), label, entry.ExpectedCorrections);
                foreach (var (version, other) in entry.VersionsAs)
                {
                    var earlier = await t.Table.GetSnapshotAsync(long.Parse(version, System.Globalization.CultureInfo.InvariantCulture));
                    var otherExpected = Path.Combine(ConformanceData.DeltaFolder(Catalogue.KernelGolden), other, "expected");
                    await t.AssertContentAsync(earlier, ConformanceTable.ParquetFiles(otherExpected), $"{label}@v{version} vs {other}");
                }
                break;
            case Outcome.Opens:
                await AssertOpensAsync(t, entry, label);
                break;
            case Outcome.Refused:
                var refusal = await FailureAsync(t, label);
                Assert.Equal(DeltaErrorKind.UnsupportedFeature, refusal.Kind);
                Assert.Contains($"'{entry.Feature}'", refusal.Message, StringComparison.Ordinal);
                break;
            case Outcome.Error:
                var error = await FailureAsync(t, label);
                Assert.Equal(entry.Kind, error.Kind);
                Assert.Contains(entry.Message!, error.Message, StringComparison.Ordinal);
                break;
        }
    }

    private static async Task AssertOpensAsync(ConformanceTable t, CatalogueEntry entry, string label)
    {
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(entry.Version, snapshot.Version);
        Assert.Equal(entry.Files, snapshot.Files.Count);
        if (entry.Kind is { } kind)
        {
            // The log is sound but its data files were never written (a log-only fixture): the scan names the file.
            var e = await Assert.ThrowsAsync<DeltaException>(() => t.ScanAsync(snapshot));
            Assert.Equal(kind, e.Kind);
            Assert.Contains(entry.Message!, e.Message, StringComparison.Ordinal);
            return;
        }
        var count = await t.Engine.QueryAsync($"SELECT count(*) FROM ({await t.ScanAsync(snapshot)}) AS s");
        Assert.True(entry.Rows == Convert.ToInt64(count.Scalar), $"{label}: read {count.Scalar} rows, catalogued {entry.Rows}.");
    }

    // Opening and reading must fail with a DeltaException (never another exception, never a successful read).
    private static async Task<DeltaException> FailureAsync(ConformanceTable t, string label)
    {
        try
        {
            var snapshot = await t.Table.GetSnapshotAsync();
            await t.Engine.QueryAsync($"SELECT count(*) FROM ({await t.ScanAsync(snapshot)}) AS s");
        }
        catch (DeltaException e)
        {
            return e;
        }
        Assert.Fail($"{label}: opened and read, but the catalogue says it must fail.");
        throw new InvalidOperationException("unreachable");
    }
}
