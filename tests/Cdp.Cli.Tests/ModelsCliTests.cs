using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// The command line of <c>cdp models</c>: exit codes and messages of compile errors, failing models, bad options,
/// selectors and targets; --vars; seed, run and test one after the other.
/// </summary>
public sealed class ModelsCliTests : IDisposable
{
    private readonly ModelsProject _project = new("jaffle_like");

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task A_compile_error_exits_1_with_the_file_line_column_and_a_caret()
    {
        _project.Write("models/marts/bad.sql", "select *\nfrom {{ ref('stg_orderz') }}\n");

        var r = (await _project.ModelsAsync("build")).Failed(1);

        var lines = r.Stderr.ReplaceLineEndings("\n").Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith("models/marts/bad.sql:2:9: error: ", StringComparison.Ordinal));
        Assert.True(at >= 0, r.Stderr);
        Assert.Contains("unknown model 'stg_orderz'", lines[at], StringComparison.Ordinal);
        Assert.Contains("did you mean 'stg_orders'", lines[at], StringComparison.Ordinal);
        Assert.Equal("2 | from {{ ref('stg_orderz') }}", lines[at + 2]);
        // The caret is under column 9, the 'r' of ref.
        Assert.Equal("  |         ^", lines[at + 3]);
        Assert.Equal('r', lines[at + 2][lines[at + 3].IndexOf('^', StringComparison.Ordinal)]);
        // Nothing ran: no table in the lake, no run results.
        Assert.Empty(TableState.Files(_project.Lake));
        Assert.False(File.Exists(_project.File("target/run_results.json")));
    }

    [Fact]
    public async Task A_failing_model_exits_1_counts_the_error_and_skips_its_children()
    {
        _project.Write("models/marts/broken.sql", "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('orders') }}\n")
            .Write("models/marts/after_broken.sql", "select * from {{ ref('broken') }}\n");

        var r = await _project.ModelsAsync("build", "--format", "json");

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        var summary = r.JsonObject();
        Assert.False((bool)summary["succeeded"]!);
        Assert.Equal(1, (int)summary["counts"]!["error"]!);
        Assert.Equal(1, (int)summary["counts"]!["skipped"]!);
        Assert.Equal(8, (int)summary["counts"]!["success"]!);
        var results = summary["results"]!.AsArray().ToDictionary(n => (string)n!["unique_id"]!, n => n!, StringComparer.Ordinal);
        var broken = results["model.jaffle_like.broken"];
        Assert.Equal("error", (string?)broken["status"]);
        Assert.Contains("no_such_column", (string?)broken["message"], StringComparison.Ordinal);
        Assert.Contains("target/compiled/jaffle_like/models/marts/broken.sql", (string?)broken["message"], StringComparison.Ordinal);
        Assert.Equal("skipped", (string?)results["model.jaffle_like.after_broken"]["status"]);
        Assert.False(Directory.Exists(Path.Combine(_project.Lake, "main", "broken")));
        // The rest of the project was built.
        Assert.Equal(40L, (long)(await _project.SqlAsync("SELECT count(*) AS n FROM main.orders"))[0]!["n"]!);

        // The table output says the same in words.
        var text = await _project.ModelsAsync("run", "-s", "broken+");
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("ERROR model broken", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("SKIP  model after_broken", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 errored, 1 skipped", text.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Threads_out_of_range_is_a_usage_error(string threads)
    {
        var r = (await _project.ModelsAsync("run", "--threads", threads)).Failed(2);
        Assert.Contains("--threads must be between 1 and 64", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(TableState.Files(_project.Lake));
    }

    [Fact]
    public async Task An_unknown_selector_method_exits_1_naming_the_methods()
    {
        var r = (await _project.ModelsAsync("ls", "-s", "colour:blue")).Failed(1);
        Assert.Contains("Unknown selector method 'colour' in 'colour:blue'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("tag:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("path:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_selector_matching_nothing_warns_instead_of_passing_silently()
    {
        var text = await _project.ModelsAsync("run", "-s", "custmers");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("warning: --select 'custmers' matches no node; nothing to do.", text.Stderr, StringComparison.Ordinal);
        Assert.Contains("Done. nothing ran in", text.Stdout, StringComparison.Ordinal);

        var json = await _project.ModelsAsync("ls", "-s", "customers", "--exclude", "customers", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        Assert.Empty(json.JsonArray());
        Assert.Contains("matches no node", json.Stderr, StringComparison.Ordinal);
        Assert.Empty(TableState.Files(_project.Lake));
    }

    [Fact]
    public async Task An_unknown_target_exits_1_naming_the_known_ones()
    {
        var r = (await _project.ModelsAsync("build", "--target", "prod")).Failed(1);
        Assert.Contains("Unknown target 'prod'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("targets: dev", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(TableState.Files(_project.Lake));
        // The one a dbt project gets is accepted.
        (await _project.ModelsAsync("ls", "--target", "dev", "-s", "customers")).Succeeded();
    }

    [Fact]
    public async Task Vars_from_the_command_line_override_the_projects()
    {
        var byDefault = await CompiledCustomersAsync();
        Assert.Contains(">= 3 as is_regular", byDefault, StringComparison.Ordinal);
        var overridden = await CompiledCustomersAsync("--vars", "{min_orders: 2}");
        Assert.Contains(">= 2 as is_regular", overridden, StringComparison.Ordinal);

        (await _project.ModelsAsync("build", "--vars", "{min_orders: 2}")).Succeeded();

        var counts = (await _project.SqlAsync(
            "SELECT count(*) FILTER (WHERE is_regular) AS regular, count(*) FILTER (WHERE number_of_orders >= 2) AS two, count(*) FILTER (WHERE number_of_orders >= 3) AS three FROM main.customers"))[0]!;
        Assert.NotEqual((long)counts["two"]!, (long)counts["three"]!); // the data tells the two apart
        Assert.Equal((long)counts["two"]!, (long)counts["regular"]!);
    }

    private async Task<string> CompiledCustomersAsync(params string[] args)
    {
        var json = (await _project.ModelsAsync("compile", ["--format", "json", "-s", "customers", .. args])).Succeeded().JsonObject();
        return (string)json["nodes"]!.AsArray().Single(n => (string)n!["unique_id"]! == "model.jaffle_like.customers")!["compiled_sql"]!;
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{min_orders: [unclosed")]
    public async Task Vars_that_are_not_a_mapping_exit_1(string vars)
    {
        var r = (await _project.ModelsAsync("compile", "--vars", vars)).Failed(1);
        Assert.Contains("--vars", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_then_run_then_test_each_do_their_part()
    {
        var seed = (await _project.ModelsAsync("seed", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(["seed.jaffle_like.raw_customers", "seed.jaffle_like.raw_orders", "seed.jaffle_like.raw_payments"],
            seed["results"]!.AsArray().Select(r => (string)r!["unique_id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["raw_customers", "raw_orders", "raw_payments"], Directory.GetDirectories(Path.Combine(_project.Lake, "main")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var run = (await _project.ModelsAsync("run", "--format", "json")).Succeeded().JsonObject();
        var ran = run["results"]!.AsArray().Select(r => (string)r!["unique_id"]!).ToList();
        Assert.Equal(5, ran.Count);
        Assert.All(ran, id => Assert.StartsWith("model.", id));

        var test = (await _project.ModelsAsync("test", "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(15, (int)test["counts"]!["pass"]!);
        Assert.All(test["results"]!.AsArray(), r => Assert.StartsWith("test.", (string)r!["unique_id"]!));
        // Tests read; they commit nothing.
        Assert.Equal([0L], TableState.CommitVersions(Path.Combine(_project.Lake, "main", "orders")));
        Assert.Equal([0L], TableState.CommitVersions(Path.Combine(_project.Lake, "main", "raw_orders")));
    }

    [Fact]
    public async Task A_failing_test_exits_1_and_marks_it_failed_with_its_failure_count()
    {
        // Two customers share an id: the unique test on stg_customers finds one duplicated value.
        File.AppendAllText(_project.File("seeds/raw_customers.csv"), "3,Zoe,Q.\n");

        var r = await _project.ModelsAsync("build", "--format", "json");

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        var results = r.JsonObject()["results"]!.AsArray().ToDictionary(n => (string)n!["unique_id"]!, n => n!, StringComparer.Ordinal);
        var unique = results["test.jaffle_like.unique_stg_customers_customer_id"];
        Assert.Equal("fail", (string?)unique["status"]);
        Assert.Equal(1L, (long?)unique["failures"]);
        // build skips what depends on a failing test.
        Assert.Equal("skipped", (string?)results["model.jaffle_like.customers"]["status"]);
    }
}
