using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// A real <c>cdp models</c> process with --format json prints exactly one JSON document on stdout; warnings go to
/// stderr. Run from the project folder, it uses the defaults: --project-dir . and the lake ./lake, which
/// <c>cdp sql</c> then finds by itself.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ModelsJsonOutputTests : IDisposable
{
    private readonly ModelsProject _project = new("jaffle_like");

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Build_ls_and_sql_from_the_project_folder_print_one_json_document_each()
    {
        // A key dbt_project.yml does not know: a warning, on stderr only.
        File.AppendAllText(_project.File("dbt_project.yml"), "\nfavourite-colour: teal\n");

        var build = await CdpProcess.RunCdpAsync(_project.Dir, "models", "build", "--format", "json");

        Assert.True(build.ExitCode == 0, $"exit {build.ExitCode}\n{build.Stdout}\n{build.Stderr}");
        Assert.StartsWith("{", build.Stdout);
        var summary = build.JsonObject();
        Assert.True((bool)summary["succeeded"]!);
        Assert.Equal(23, summary["results"]!.AsArray().Count);
        Assert.Contains("favourite-colour", build.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("favourite-colour", build.Stdout, StringComparison.Ordinal);
        Assert.Equal([0L], TableState.CommitVersions(_project.File("lake/main/customers")));

        var ls = await CdpProcess.RunCdpAsync(_project.Dir, "models", "ls", "-s", "orders", "--exclude", "test_name:unique", "--format", "json");
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains(ls.JsonArray(), n => (string)n!["unique_id"]! == "model.jaffle_like.orders");

        var sql = (await CdpProcess.RunCdpAsync(_project.Dir, "sql", "SELECT count(*) AS n FROM orders", "--format", "json")).Succeeded();
        Assert.Equal(40L, (long)sql.JsonArray()[0]!["n"]!);

        var failed = await CdpProcess.RunCdpAsync(_project.Dir, "models", "run", "-s", "colour:teal", "--format", "json");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("", failed.Stdout);
        Assert.Contains("Unknown selector method 'colour'", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_lake_on_the_command_line_is_relative_to_the_current_folder_as_for_cdp_sql()
    {
        var seed = await CdpProcess.RunCdpAsync(_project.Root, "models", "seed", "--project-dir", _project.Name, "--lake", "rel-lake", "-s", "raw_orders", "--format", "json");

        Assert.True(seed.ExitCode == 0, $"exit {seed.ExitCode}\n{seed.Stdout}\n{seed.Stderr}");
        Assert.Equal([0L], TableState.CommitVersions(Path.Combine(_project.Root, "rel-lake", "main", "raw_orders")));
        Assert.False(Directory.Exists(_project.File("rel-lake")));
        var sql = (await CdpProcess.RunCdpAsync(_project.Root, "sql", "SELECT count(*) AS n FROM raw_orders", "--lake", "rel-lake", "--format", "json")).Succeeded();
        Assert.Equal(40L, (long)sql.JsonArray()[0]!["n"]!);
    }
}
