using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp ingest</c> in-process: the JSON summary, re-runs, exit codes and errors.</summary>
public sealed class IngestTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Ingest_prints_one_json_summary_and_a_rerun_skips_every_file()
    {
        IngestProject.Write(_dir.Root, files: 3, rowsPerFile: 100);
        var lake = _dir.Path("lake");
        var json = (await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root, "--lake", lake, "--format", "json")).Succeeded().JsonObject();
        Assert.True(json["succeeded"]!.GetValue<bool>());
        Assert.Equal(lake, json["lake"]!.GetValue<string>());
        var sources = json["sources"]!.AsArray();
        Assert.Equal(["customers", "events"], sources.Select(s => s!["source"]!.GetValue<string>()));
        var customers = sources[0]!;
        Assert.Equal(3, customers["files_new"]!.GetValue<int>());
        Assert.Equal(300, customers["rows_read"]!.GetValue<long>());
        Assert.Equal(IngestProject.BadCsvRows(3, 100), customers["rows_quarantined"]!.GetValue<long>());
        Assert.Equal(300 - IngestProject.BadCsvRows(3, 100), customers["rows_landed"]!.GetValue<long>());
        Assert.Equal(IngestProject.BadJsonLines(3, 100), sources[1]!["rows_quarantined"]!.GetValue<long>());
        Assert.All(customers["files"]!.AsArray(), f => Assert.Equal("landed", f!["status"]!.GetValue<string>()));

        var again = (await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root, "--lake", lake, "--format", "json")).Succeeded().JsonObject();
        Assert.All(again["sources"]!.AsArray(), s =>
        {
            Assert.Equal(0, s!["files_new"]!.GetValue<int>());
            Assert.Equal(3, s["files_skipped"]!.GetValue<int>());
        });
        Assert.Equal(300 - IngestProject.BadCsvRows(3, 100), await TableState.CountAsync(Path.Combine(lake, "bronze", "customers")));
    }

    [Fact]
    public async Task Named_sources_only_are_run_and_the_lake_defaults_to_the_projects()
    {
        IngestProject.Write(_dir.Root, files: 1, rowsPerFile: 10);
        var json = (await CdpCli.RunAsync("ingest", "events", "--project-dir", _dir.Root, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal("events", Assert.Single(json["sources"]!.AsArray())!["source"]!.GetValue<string>());
        Assert.Equal(10 - IngestProject.BadJsonLines(1, 10), await TableState.CountAsync(_dir.Path("lake/bronze/events")));
        Assert.False(Directory.Exists(_dir.Path("lake/bronze/customers")));
    }

    [Fact]
    public async Task An_unknown_source_is_exit_1_naming_the_known_sources()
    {
        IngestProject.Write(_dir.Root, files: 1, rowsPerFile: 10);
        var r = (await CdpCli.RunAsync("ingest", "crm", "--project-dir", _dir.Root)).Failed(1);
        Assert.Equal("error: unknown source(s) 'crm'; the project declares: customers, events", r.Stderr.Trim());
    }

    [Fact]
    public async Task Config_errors_are_exit_1_naming_the_key()
    {
        File.WriteAllText(_dir.Path("cdp.yml"), "name: x\ningest:\n  sources:\n    crm_customers: {format: xlsx, path: 'a.xlsx'}\n");
        var r = (await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root)).Failed(1);
        Assert.Contains("cdp.yml: ingest.sources.crm_customers.format: unknown format 'xlsx' (use csv, jsonl, parquet)", r.Stderr);
    }

    [Fact]
    public async Task A_failing_source_is_exit_1_and_the_other_sources_still_land()
    {
        IngestProject.Write(_dir.Root, files: 1, rowsPerFile: 10);
        // A source whose second file changes an inferred column's type incompatibly (BIGINT, then DATE).
        File.AppendAllText(_dir.Path("cdp.yml"), "\n    broken: {format: csv, path: 'data/broken/*.csv'}\n");
        Directory.CreateDirectory(_dir.Path("data/broken"));
        File.WriteAllText(_dir.Path("data/broken/a.csv"), "n\n1\n");
        File.WriteAllText(_dir.Path("data/broken/b.csv"), "n\n2024-01-01\n");
        var r = await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root, "--format", "json");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: source 'broken': file '", r.Stderr);
        var sources = r.JsonObject()["sources"]!.AsArray();
        Assert.False(sources[2]!["succeeded"]!.GetValue<bool>());
        Assert.True(sources[0]!["succeeded"]!.GetValue<bool>());
        Assert.True(sources[1]!["succeeded"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Table_output_is_a_summary_per_source()
    {
        IngestProject.Write(_dir.Root, files: 2, rowsPerFile: 10);
        var r = (await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root)).Succeeded();
        Assert.Contains("source", r.Stdout);
        Assert.Contains("quarantined", r.Stdout);
        Assert.Contains("_ingest_runs", r.Stdout);
        var csv = (await CdpCli.RunAsync("ingest", "--project-dir", _dir.Root, "--format", "csv")).Succeeded().Stdout.Split('\n');
        Assert.Equal("source,files new,files skipped,rows read,rows landed,rows quarantined,MB,seconds,status", csv[0]);
        Assert.StartsWith("customers,0,2,0,0,0,0,", csv[1]);
    }
}
