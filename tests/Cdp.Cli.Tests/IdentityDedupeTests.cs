using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp identity dedupe</c> on small files written here: planted duplicates found, outputs written, bad input named.</summary>
public sealed class IdentityDedupeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Settings = """
        unique_id: id
        blocking_rules:
          - l.surname = r.surname
          - l.dob = r.dob
        comparisons:
          - column: first_name
            levels:
              - exact
              - jaro_winkler: 0.85
              - else
          - column: surname
            levels:
              - exact
              - jaro_winkler: 0.9
              - else
          - column: dob
            levels:
              - exact
              - date_within_days: 30
              - else
          - column: city
            levels:
              - exact
              - else
        link_threshold:
          probability: 0.5
        lambda: 0.05
        """;

    /// <summary>Ids a1/a2, b1/b2 and c1/c2/c3 are the same people; the rest are all different.</summary>
    private string People() => Inputs.Csv(_dir.Path("people.csv"),
        "id,first_name,surname,dob,city",
        "a1,amelia,hartley,1980-02-03,leeds", "a2,amelia,hartly,1980-02-03,leeds",
        "b1,oscar,pemberton,1975-11-20,york", "b2,oskar,pemberton,1975-11-20,",
        "c1,john,smith,1990-01-01,london", "c2,john,smith,1990-01-01,london", "c3,jon,smith,1990-01-10,london",
        "d1,john,smith,1962-07-14,leeds", "e1,mary,jones,1988-03-30,bath", "f1,peter,quill,1970-05-05,york",
        "g1,zara,quince,2001-12-12,derby", "h1,maria,jonas,1999-09-09,bath");

    private string SettingsFile(string text = Settings) => Inputs.Text(_dir.Path("match.yml"), text);

    [Fact]
    public async Task Dedupe_finds_the_planted_duplicates_and_writes_the_outputs()
    {
        var output = _dir.Path("out");
        var r = (await CdpCli.RunAsync("identity", "dedupe", People(), "--settings", SettingsFile(), "--out", output, "--format", "json")).Succeeded();
        var summary = r.JsonObject();
        Assert.Equal(12, (int)summary["records"]!);
        Assert.Equal(8, (int)summary["clusters"]!); // a, b, c, and five singletons
        Assert.NotNull(summary["parameters"]!["comparisons"]);

        var clusters = File.ReadAllLines(Path.Combine(output, "clusters.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(12, clusters.Count);
        Assert.Equal(clusters["a1"], clusters["a2"]);
        Assert.Equal(clusters["b1"], clusters["b2"]);
        Assert.Equal(new[] { "c1", "c1", "c1" }, new[] { clusters["c1"], clusters["c2"], clusters["c3"] });
        Assert.NotEqual(clusters["c1"], clusters["d1"]);
        Assert.True(new FileInfo(Path.Combine(output, "pairs.parquet")).Length > 0);
        Assert.Contains("\"threshold_weight\"", File.ReadAllText(Path.Combine(output, "parameters.json")));

        var table = (await CdpCli.RunAsync("identity", "dedupe", People(), "--settings", SettingsFile(), "--out", output)).Succeeded();
        Assert.Contains("candidate_pairs", table.Stdout);
        Assert.Contains("jaro_winkler >= 0.85", table.Stdout);
    }

    [Fact]
    public async Task A_missing_input_file_is_named()
    {
        var missing = _dir.Path("nope.csv");
        var r = (await CdpCli.RunAsync("identity", "dedupe", missing, "--settings", SettingsFile(), "--out", _dir.Path("out"))).Failed(1);
        Assert.Contains($"Input file '{missing}' does not exist", r.Stderr);
    }

    [Fact]
    public async Task Unreadable_settings_name_the_file_and_line()
    {
        var settings = SettingsFile(Settings.Replace("probability: 0.5", "probability: 2", StringComparison.Ordinal));
        var r = (await CdpCli.RunAsync("identity", "dedupe", People(), "--settings", settings, "--out", _dir.Path("out"))).Failed(1);
        Assert.Contains($"{settings}:26: link_threshold probability must be strictly between 0 and 1, not 2", r.Stderr);

        var broken = SettingsFile("unique_id: id\ncomparisons:\n  - column: city\n   levels:\n");
        r = (await CdpCli.RunAsync("identity", "dedupe", People(), "--settings", broken, "--out", _dir.Path("out"))).Failed(1);
        Assert.Contains($"{broken}:4: unexpected indentation", r.Stderr);
    }

    [Fact]
    public async Task A_settings_column_missing_from_the_file_is_named_with_the_available_ones()
    {
        var settings = SettingsFile(Settings.Replace("column: city", "column: town", StringComparison.Ordinal));
        var r = (await CdpCli.RunAsync("identity", "dedupe", People(), "--settings", settings, "--out", _dir.Path("out"))).Failed(1);
        Assert.Contains("Column 'town' (a comparison) is not in the input; available columns: id, first_name, surname, dob, city.", r.Stderr);
    }

    [Fact]
    public async Task Missing_options_are_usage_errors()
    {
        var r = (await CdpCli.RunAsync("identity", "dedupe", People(), "--out", _dir.Path("out"))).Failed(2);
        Assert.Contains("--settings is required", r.Stderr);
    }
}
