using System.Globalization;
using Cdp.Engine;
using Cdp.Identity.Matching;
using Cdp.Testing;
using Xunit.Abstractions;

namespace Cdp.Identity.Tests.Matching;

/// <summary>
/// Linkage quality on public labelled data read in place from shared/data/identity (see each folder's SOURCE.txt):
/// Febrl datasets 1-3 (entity in rec_id) and Splink's fake_1000 (cluster column). The settings are the example
/// files under sql/identity/dedupe, so the documented examples are the ones measured. Figures are printed to the
/// test run's console for passing tests too.
/// </summary>
public sealed class MatchingConformanceTests(ITestOutputHelper output, TestConsole console) : IClassFixture<TestConsole>
{
    private static string? IdentityData => RepositoryPaths.SharedData is { } d && Directory.Exists(Path.Combine(d, "identity"))
        ? Path.Combine(d, "identity")
        : null;

    [Theory]
    [InlineData("dataset1.csv", 0.90)]
    [InlineData("dataset2.csv", 0.90)]
    [InlineData("dataset3.csv", 0.95)]
    public async Task Febrl_links_reach_the_f1_floor(string file, double floor)
    {
        if (IdentityData is not { } folder)
        {
            output.WriteLine("SKIPPED: shared/data/identity is absent (set CDP_TEST_DATA to the shared data folder).");
            return;
        }
        var path = Path.Combine(folder, "febrl", file);
        var (links, clusters, result) = await RunAsync(path, "febrl.yml");
        var entity = result.Clusters.ToDictionary(c => c.RecordId, c => c.RecordId.Split('-')[1]);
        Report("febrl/" + file, result, LinkageScore.OfLinks(links, entity), LinkageScore.OfClusters(clusters, entity), floor);
    }

    [Fact]
    public async Task Splink_fake_1000_links_reach_the_f1_floor()
    {
        if (IdentityData is not { } folder)
        {
            output.WriteLine("SKIPPED: shared/data/identity is absent (set CDP_TEST_DATA to the shared data folder).");
            return;
        }
        var path = Path.Combine(folder, "splink", "fake_1000.csv");
        var (links, clusters, result) = await RunAsync(path, "splink_fake_1000.yml");
        await using var engine = new DuckDbEngine();
        var truth = await engine.QueryAsync($"SELECT CAST(unique_id AS VARCHAR), CAST(cluster AS VARCHAR) FROM read_csv({Sql.Literal(path)}, header = true, all_varchar = true)");
        var entity = truth.Rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Report("splink/fake_1000.csv", result, LinkageScore.OfLinks(links, entity), LinkageScore.OfClusters(clusters, entity), 0.85);
    }

    private static async Task<(List<(string, string)> Links, List<(string, string)> Clusters, MatchResult Result)> RunAsync(string csv, string settingsFile)
    {
        var settings = await MatchSettingsReader.LoadAsync(Path.Combine(RepositoryPaths.Root, "sql", "identity", "dedupe", settingsFile));
        await using var engine = new DuckDbEngine();
        var result = await Matcher.RunAsync(engine, $"SELECT * FROM read_csv({Sql.Literal(csv)}, header = true, all_varchar = true)", settings);
        var links = await engine.QueryAsync($"SELECT id_l, id_r FROM {result.PairsTable} WHERE match_weight >= {result.Parameters.ThresholdWeight.ToString("R", CultureInfo.InvariantCulture)}");
        return (links.Rows.Select(r => ((string)r[0]!, (string)r[1]!)).ToList(), result.Clusters.Select(c => (c.RecordId, c.ClusterId)).ToList(), result);
    }

    private void Report(string dataset, MatchResult result, LinkageScore links, LinkageScore clusters, double floor)
    {
        var line = FormattableString.Invariant(
            $"matching {dataset}: links {links}; clusters {clusters}; {result.Records} records, {result.CandidatePairs} candidate pairs, lambda {result.Parameters.Lambda:G3}, EM {result.Parameters.Iterations} iterations");
        output.WriteLine(line);
        console.WriteLine(line);
        Assert.True(links.F1 >= floor, $"{dataset}: link F1 {links.F1:F4} is below the floor {floor}; {line}");
    }
}
