using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// The help pages are part of the interface: they are compared with Golden/*.txt.
/// Regenerate after an intended change with <c>CDP_UPDATE_GOLDEN=1 dotnet test tests/Cdp.Cli.Tests --filter HelpGolden</c>.
/// </summary>
public sealed class HelpGoldenTests
{
    [Theory]
    [InlineData("cdp-help.txt", "--help")]
    [InlineData("cdp-demo-help.txt", "demo", "--help")]
    [InlineData("cdp-demo-generate-help.txt", "demo", "generate", "--help")]
    [InlineData("cdp-demo-lake-help.txt", "demo", "lake", "--help")]
    [InlineData("cdp-lake-help.txt", "lake", "--help")]
    [InlineData("cdp-lake-append-help.txt", "lake", "append", "--help")]
    [InlineData("cdp-models-help.txt", "models", "--help")]
    [InlineData("cdp-models-compile-help.txt", "models", "compile", "--help")]
    [InlineData("cdp-models-run-help.txt", "models", "run", "--help")]
    [InlineData("cdp-models-test-help.txt", "models", "test", "--help")]
    [InlineData("cdp-models-build-help.txt", "models", "build", "--help")]
    [InlineData("cdp-models-seed-help.txt", "models", "seed", "--help")]
    [InlineData("cdp-models-ls-help.txt", "models", "ls", "--help")]
    [InlineData("cdp-ingest-help.txt", "ingest", "--help")]
    [InlineData("cdp-identity-help.txt", "identity", "--help")]
    [InlineData("cdp-identity-dedupe-help.txt", "identity", "dedupe", "--help")]
    [InlineData("cdp-identity-run-help.txt", "identity", "run", "--help")]
    [InlineData("cdp-identity-explain-help.txt", "identity", "explain", "--help")]
    [InlineData("cdp-profile-help.txt", "profile", "--help")]
    [InlineData("cdp-ml-help.txt", "ml", "--help")]
    [InlineData("cdp-ml-train-help.txt", "ml", "train", "--help")]
    [InlineData("cdp-ml-score-help.txt", "ml", "score", "--help")]
    [InlineData("cdp-ml-evaluate-help.txt", "ml", "evaluate", "--help")]
    [InlineData("cdp-audiences-help.txt", "audiences", "--help")]
    [InlineData("cdp-audiences-build-help.txt", "audiences", "build", "--help")]
    [InlineData("cdp-audiences-ls-help.txt", "audiences", "ls", "--help")]
    [InlineData("cdp-audiences-show-help.txt", "audiences", "show", "--help")]
    [InlineData("cdp-audiences-overlap-help.txt", "audiences", "overlap", "--help")]
    [InlineData("cdp-sync-help.txt", "sync", "--help")]
    public async Task Help_matches_the_golden_file(string golden, params string[] args)
    {
        var r = (await CdpCli.RunAsync(args)).Succeeded();
        Golden.Verify(golden, r.Stdout);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("lake", "--help")]
    [InlineData("lake", "append", "--help")]
    [InlineData("lake", "export", "--help")]
    [InlineData("lake", "history", "--help")]
    [InlineData("lake", "describe", "--help")]
    [InlineData("lake", "vacuum", "--help")]
    [InlineData("sql", "--help")]
    [InlineData("ingest", "--help")]
    [InlineData("demo", "--help")]
    [InlineData("demo", "generate", "--help")]
    [InlineData("demo", "lake", "--help")]
    [InlineData("models", "--help")]
    [InlineData("models", "compile", "--help")]
    [InlineData("models", "run", "--help")]
    [InlineData("models", "test", "--help")]
    [InlineData("models", "build", "--help")]
    [InlineData("models", "seed", "--help")]
    [InlineData("models", "ls", "--help")]
    [InlineData("identity", "--help")]
    [InlineData("identity", "dedupe", "--help")]
    [InlineData("ml", "--help")]
    [InlineData("ml", "train", "--help")]
    [InlineData("ml", "score", "--help")]
    [InlineData("ml", "evaluate", "--help")]
    [InlineData("audiences", "--help")]
    [InlineData("audiences", "build", "--help")]
    [InlineData("audiences", "ls", "--help")]
    [InlineData("audiences", "show", "--help")]
    [InlineData("audiences", "overlap", "--help")]
    [InlineData("sync", "--help")]
    [InlineData("identity", "run", "--help")]
    [InlineData("identity", "explain", "--help")]
    [InlineData("profile", "--help")]
    public async Task Every_help_page_has_examples_and_exit_codes(params string[] args)
    {
        var help = (await CdpCli.RunAsync(args)).Succeeded().Stdout;
        Assert.Contains("USAGE:", help);
        Assert.Contains("EXAMPLES:", help);
        var examples = help[help.IndexOf("EXAMPLES:", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples.Where(l => l.StartsWith("    ", StringComparison.Ordinal)), l => Assert.StartsWith("    cdp ", l));
        Assert.Contains("EXIT CODES:", help);
        foreach (var code in new[] { "0", "1", "2", "3", "130" }) Assert.Matches($@"(?m)^\s+{code}\s+\S", help);
    }

    [Fact]
    public async Task The_built_cdp_prints_the_same_help_as_in_process()
    {
        using var dir = new TempDir();
        var r = (await CdpProcess.RunCdpAsync(dir.Root, "lake", "append", "--help")).Succeeded();
        Golden.Verify("cdp-lake-append-help.txt", r.Stdout);
    }
}
