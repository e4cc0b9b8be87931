using System.Text.Json.Nodes;
using Cdp.Delta;

namespace Cdp.Conformance.Tests;

/// <summary>
/// Delta Acceptance Testing (DAT v0.0.2) reader cases: every table at every expected version (latest, v0, v1, ...)
/// is read and compared with the expected rows, and its version, protocol and properties with table_version_metadata.json.
/// </summary>
public sealed class DatTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (table, entry) in Catalogue.Suite(Catalogue.Dat).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var version in entry.Versions) cases.Add(table, version);
        }
        return cases;
    }

    [ConformanceTheory]
    [MemberData(nameof(Cases))]
    public async Task ReadsVersionAsExpected(string table, string version)
    {
        var entry = Catalogue.Entry(Catalogue.Dat, table);
        Assert.Equal(Outcome.Read, entry.Outcome);
        var folder = Path.Combine(ConformanceData.DeltaFolder(Catalogue.Dat), table);
        var expected = Path.Combine(folder, "expected", version);
        var t = new ConformanceTable(Path.Combine(folder, "delta"), fixture.Engine);

        var snapshot = await t.Table.GetSnapshotAsync(version == "latest" ? null : long.Parse(version[1..], System.Globalization.CultureInfo.InvariantCulture));

        AssertMetadata(snapshot, JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(expected, "table_version_metadata.json")))!.AsObject());
        await t.AssertContentAsync(snapshot, ConformanceTable.ParquetFiles(Path.Combine(expected, "table_content")), $"dat/{table}@{version}");
    }

    public static TheoryData<string, long> CleanedVersions()
    {
        var cases = new TheoryData<string, long>();
        foreach (var (table, entry) in Catalogue.Suite(Catalogue.Dat).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var version in entry.CleanedVersions) cases.Add(table, version);
        }
        return cases;
    }

    [ConformanceTheory]
    [MemberData(nameof(CleanedVersions))]
    public async Task RefusesVersionsWhoseCommitsWereCleanedUp(string table, long version)
    {
        var t = new ConformanceTable(Path.Combine(ConformanceData.DeltaFolder(Catalogue.Dat), table, "delta"), fixture.Engine);

        var e = await Assert.ThrowsAsync<DeltaException>(() => t.Table.GetSnapshotAsync(version));

        Assert.Equal(DeltaErrorKind.MissingVersion, e.Kind);
        Assert.Contains($"Version {version} ", e.Message, StringComparison.Ordinal);
    }

    private static void AssertMetadata(Snapshot snapshot, JsonObject expected)
    {
        Assert.Equal(expected["version"]!.GetValue<long>(), snapshot.Version);
        Assert.Equal(expected["min_reader_version"]!.GetValue<int>(), snapshot.Protocol.MinReaderVersion);
        Assert.Equal(expected["min_writer_version"]!.GetValue<int>(), snapshot.Protocol.MinWriterVersion);
        var properties = (expected["properties"] as JsonObject ?? [])
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        Assert.Equal(properties.OrderBy(kv => kv.Key, StringComparer.Ordinal), snapshot.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}
