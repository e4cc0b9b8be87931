using Cdp.Identity.Matching;
using Cdp.Testing;

namespace Cdp.Identity.Tests.Matching;

public sealed class MatchSettingsReaderTests
{
    [Fact]
    public async Task The_example_settings_load()
    {
        var settings = await MatchSettingsReader.LoadAsync(Path.Combine(RepositoryPaths.Root, "sql", "identity", "dedupe", "febrl.yml"));
        Assert.Equal("rec_id", settings.UniqueIdColumn);
        Assert.Equal("l.postcode = r.postcode and l.street_number = r.street_number", settings.BlockingRules[^1]);
        var given = settings.Comparisons[0];
        Assert.True(given.TermFrequency);
        Assert.Equal([ComparisonLevel.Exact, new(LevelKind.JaroWinkler, 0.9), new(LevelKind.JaroWinkler, 0.8), ComparisonLevel.Else], given.Levels);
        Assert.Equal(LinkThreshold.Probability(0.9), settings.Threshold);
        Assert.Null(settings.Lambda);
    }

    [Fact]
    public void Quoted_values_comments_and_an_implicit_else()
    {
        var settings = MatchSettingsReader.Parse("""
            unique_id: "person id"   # a comment
            blocking_rules:
            - 'l.city = r.city and l.name[1] = ''a'''
            comparisons:
              - column: name
                levels: 
                  - levenshtein: 2
                  - date_within_days: 10
                  - same_year
            link_threshold:
              weight: 6.5
            lambda: 0.001
            em:
              max_iterations: 7
            """);
        Assert.Equal("person id", settings.UniqueIdColumn);
        Assert.Equal("l.city = r.city and l.name[1] = 'a'", settings.BlockingRules[0]);
        Assert.Equal([new(LevelKind.Levenshtein, 2), new(LevelKind.DateWithinDays, 10), new(LevelKind.SameYear), ComparisonLevel.Else], settings.Comparisons[0].Levels);
        Assert.Equal(LinkThreshold.Weight(6.5), settings.Threshold);
        Assert.Equal((0.001, 7), (settings.Lambda!.Value, settings.MaxIterations));
    }

    [Theory]
    [InlineData("link_threshold:\n  probability: 1.5", "s.yml:9: link_threshold probability must be strictly between 0 and 1, not 1.5")]
    [InlineData("link_threshold:\n  probability: high", "s.yml:9: probability must be a number, not 'high'")]
    [InlineData("link_threshold:\n  probability: 0.9\nthreshold: 3", "s.yml:10: unknown key 'threshold'; expected one of:")]
    [InlineData("link_threshold:\n  probability: 0.9\n    oops: 1", "s.yml:10: unexpected indentation")]
    public void Errors_name_the_file_and_line(string tail, string expected)
    {
        var text = "unique_id: id\nblocking_rules:\n  - l.a = r.a\ncomparisons:\n  - column: a\n    levels: [exact]\n".Replace("levels: [exact]", "levels:\n      - exact", StringComparison.Ordinal) + tail;
        var e = Assert.Throws<MatchException>(() => MatchSettingsReader.Parse(text, "s.yml"));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Unknown_levels_are_refused_with_the_choices()
    {
        var e = Assert.Throws<MatchException>(() => MatchSettingsReader.Parse(
            "unique_id: id\nblocking_rules:\n  - l.a = r.a\ncomparisons:\n  - column: a\n    levels:\n      - soundex\nlink_threshold:\n  weight: 1\n", "s.yml"));
        Assert.Equal("s.yml:7: unknown level 'soundex'; expected one of: exact, jaro_winkler: <0..1>, levenshtein: <n>, date_within_days: <n>, same_year, else", e.Message);
    }
}
