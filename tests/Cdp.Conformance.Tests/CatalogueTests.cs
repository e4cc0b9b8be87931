using System.Text.RegularExpressions;

namespace Cdp.Conformance.Tests;

/// <summary>
/// The catalogue, its prose form and the data on disk agree: every table is catalogued, nothing catalogued is missing,
/// and CATALOGUE.md states the same outcome as catalogue.json for every table.
/// </summary>
public sealed partial class CatalogueTests
{
    [Fact]
    public void MarkdownStatesTheOutcomesTheTestsAssert()
    {
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "CATALOGUE.md"))
            .Select(line => CatalogueRow().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["table"].Value, m => m.Groups["outcome"].Value.Trim());
        var json = new[] { Catalogue.Dat, Catalogue.KernelGolden }
            .SelectMany(suite => Catalogue.Suite(suite))
            .ToDictionary(kv => kv.Key, kv => Describe(kv.Value));

        Assert.Equal(json.OrderBy(kv => kv.Key, StringComparer.Ordinal), rows.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [ConformanceTheory]
    [InlineData(Catalogue.Dat)]
    [InlineData(Catalogue.KernelGolden)]
    public void CataloguesEveryTableOnDisk(string suite)
    {
        var onDisk = Directory.EnumerateDirectories(ConformanceData.DeltaFolder(suite)).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(onDisk, Catalogue.Suite(suite).Keys.Order(StringComparer.Ordinal).ToList());
    }

    [ConformanceFact]
    public void DatVersionsAreTheExpectedFolders()
    {
        foreach (var (table, entry) in Catalogue.Suite(Catalogue.Dat))
        {
            var folders = Directory.EnumerateDirectories(Path.Combine(ConformanceData.DeltaFolder(Catalogue.Dat), table, "expected"))
                .Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(folders, entry.Versions.Order(StringComparer.Ordinal).ToList());
        }
    }

    [ConformanceFact]
    public void KernelGoldenOutcomesFitTheirData()
    {
        foreach (var (table, entry) in Catalogue.Suite(Catalogue.KernelGolden))
        {
            var hasExpected = Directory.Exists(Path.Combine(ConformanceData.DeltaFolder(Catalogue.KernelGolden), table, "expected"));
            // A table with expected rows is either read and compared, or refused: never merely opened.
            Assert.True(entry.Outcome != Outcome.Read || hasExpected, $"{table}: catalogued as read but has no expected/ folder.");
            Assert.True(entry.Outcome is Outcome.Read or Outcome.Refused || !hasExpected, $"{table}: has expected rows but is catalogued as {entry.Outcome}.");
            Assert.True(entry.Outcome != Outcome.Refused || entry.Feature is not null, $"{table}: refused without naming the feature.");
            Assert.True(entry.Outcome != Outcome.Error || (entry.Kind is not null && entry.Message is not null), $"{table}: an error needs a kind and a message.");
            Assert.False(string.IsNullOrWhiteSpace(entry.Why), $"{table}: say why.");
        }
    }

    private static string Describe(CatalogueEntry entry) => entry.Outcome switch
    {
        Outcome.Read => "read",
        Outcome.Opens => "opens",
        Outcome.Refused => $"refused: {entry.Feature}",
        _ => $"error: {entry.Kind}",
    };

    [GeneratedRegex(@"^\| `(?<table>[^`]+)` \| (?<outcome>[^|]+) \|")]
    private static partial Regex CatalogueRow();
}
