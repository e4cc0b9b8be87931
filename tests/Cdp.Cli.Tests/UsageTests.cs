using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>Wrong command lines exit 2 with the problem on stderr and nothing on stdout.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData("Unknown command 'bogus'", "bogus")]
    [InlineData("Unknown command 'bogus'", "lake", "bogus")]
    [InlineData("Unknown option 'bogus'", "lake", "append", "t", "a.csv", "--bogus")]
    [InlineData("missing required argument 'table-uri'", "lake", "append")]
    [InlineData("missing required argument 'input-file'", "lake", "append", "t")]
    [InlineData("missing required argument 'out-parquet'", "lake", "export", "t")]
    [InlineData("missing required argument 'query'", "sql")]
    [InlineData("'xml'", "lake", "history", "t", "--format", "xml")]
    [InlineData("'jsonl'", "lake", "append", "t", "a.csv", "--input-format", "jsonl")]
    [InlineData("--app-id and --app-version go together", "lake", "append", "t", "a.csv", "--app-id", "feed")]
    [InlineData("--app-id and --app-version go together", "lake", "append", "t", "a.csv", "--app-version", "3")]
    [InlineData("not both", "lake", "export", "t", "o.parquet", "--version", "1", "--timestamp", "2024-01-01")]
    [InlineData("'yesterday' is not an ISO 8601 time", "lake", "export", "t", "o.parquet", "--timestamp", "yesterday")]
    [InlineData("--customers must be between", "demo", "lake", "--customers", "5")]
    [InlineData("--people must be between", "demo", "--people", "0")]
    [InlineData("--run-id must be 1 to 200 characters", "ml", "train", "value", "--run-id", " ")]
    [InlineData("'many'", "lake", "history", "t", "--limit", "many")]
    public async Task A_wrong_command_line_exits_2_naming_the_problem(string expected, params string[] args)
    {
        var r = (await CdpCli.RunAsync(args)).Failed(2);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public async Task A_usage_error_writes_nothing_even_with_json_output()
    {
        using var dir = new TempDir();
        var table = dir.Path("t");
        var r = (await CdpCli.RunAsync("lake", "append", table, dir.Path("a.csv"), "--format", "json", "--nope")).Failed(2);
        Assert.Contains("Run 'cdp --help'", r.Stderr);
        Assert.False(Directory.Exists(table));
    }
}
