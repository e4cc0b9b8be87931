using System.Text;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// Bad input of every kind: a clear error on stderr naming what and where, exit code 1, nothing on stdout, and
/// nothing written (same log versions, same files).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A table with versions 0 and 1 (ids 1, 2 then 3).</summary>
    private async Task<string> TableAsync(string name = "t")
    {
        var table = _dir.Path(name);
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("ok1.csv"), "id,name", "1,Ana", "2,Ben"))).Succeeded();
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("ok2.csv"), "id,name", "3,Chloé"))).Succeeded();
        return table;
    }

    /// <summary>Runs a failing append and checks that the table kept its versions, files and rows.</summary>
    private static async Task<CliResult> AppendFailsUnchangedAsync(string table, params string[] extra)
    {
        var files = TableState.Files(table);
        var versions = TableState.CommitVersions(table);
        var r = (await CdpCli.RunAsync(["lake", "append", table, .. extra, "--format", "json"])).Failed(1);
        Assert.Equal(files, TableState.Files(table));
        Assert.Equal(versions, TableState.CommitVersions(table));
        return r;
    }

    [Fact]
    public async Task A_missing_input_file_is_named_and_no_table_is_created()
    {
        var table = _dir.Path("new-table");
        var missing = _dir.Path("nope.csv");
        var r = (await CdpCli.RunAsync("lake", "append", table, missing)).Failed(1);
        Assert.Contains($"Input file '{missing}' does not exist", r.Stderr);
        Assert.False(Directory.Exists(table));
    }

    [Fact]
    public async Task An_unknown_input_extension_asks_for_a_valid_input_format()
    {
        var table = await TableAsync();
        var input = Inputs.Text(_dir.Path("rows.data"), "id,name\n9,x\n");
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains("'.data'", r.Stderr);
        // The option value the message suggests must be one the parser accepts.
        Assert.Contains("--input-format csv|jsonlines|parquet", r.Stderr);
        (await CdpCli.RunAsync("lake", "append", table, input, "--input-format", "csv")).Succeeded();
    }

    [Theory]
    [InlineData("ragged", "id,name\n4,Dario\n5,Emma,extra\n6\n")]
    [InlineData("unterminated-quote", "id,name\n4,\"Dario\n5,Emma\n")]
    public async Task A_malformed_csv_fails_naming_the_file_and_loads_nothing(string name, string content)
    {
        var table = await TableAsync();
        var input = Inputs.Text(_dir.Path(name + ".csv"), content);
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Cannot read input file '{input}'", r.Stderr);
        Assert.Equal([1L, 2L, 3L], await TableState.IdsAsync(table));
    }

    [Fact]
    public async Task A_ragged_row_deep_in_a_large_csv_fails_naming_the_file_and_line()
    {
        var table = await TableAsync();
        var csv = new StringBuilder("id,name\n");
        for (var i = 10; i < 30_010; i++) csv.Append(i).Append(",n").Append(i).Append('\n');
        csv.Append("30010,x,y\n30011,z\n");
        var input = Inputs.Text(_dir.Path("large.csv"), csv.ToString());

        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Cannot read input file '{input}'", r.Stderr);
        Assert.Contains("30002", r.Stderr); // the line of the bad row (the header is line 1)
        Assert.Equal(3, await TableState.CountAsync(table));
    }

    [Fact]
    public async Task A_malformed_json_line_fails_naming_the_file_and_loads_nothing()
    {
        var table = await TableAsync();
        var input = Inputs.JsonLines(_dir.Path("bad.jsonl"), """{"id": 4, "name": "Dario"}""", """{"id": 5, "name": Emma}""", """{"id": 6, "name": "Flo"}""");
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Cannot read input file '{input}'", r.Stderr);
        // DuckDB names the line after the bad one ("line 3" here): the test pins that a line is named, not DuckDB's count.
        Assert.Matches(@"in line \d+", r.Stderr);
        Assert.Equal(3, await TableState.CountAsync(table));
    }

    [Theory]
    [InlineData("""[4, "Dario"]""")]
    [InlineData("\"just a string\"")]
    public async Task A_json_line_that_is_not_an_object_fails_instead_of_loading_one_json_column(string line)
    {
        var table = await TableAsync();
        var input = Inputs.JsonLines(_dir.Path("not-objects.jsonl"), """{"id": 4, "name": "Dario"}""", line);
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Cannot read input file '{input}'", r.Stderr);
        Assert.Equal(["id", "name"], (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject()["columns"]!.AsArray()
            .Select(c => (string)c!["name"]!).ToList());
    }

    [Theory]
    [InlineData("empty.csv")]
    [InlineData("empty.jsonl")]
    public async Task An_empty_input_file_fails_instead_of_adding_a_placeholder_column(string name)
    {
        var table = await TableAsync();
        var input = Inputs.Text(_dir.Path(name), "");
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Input file '{input}' is empty", r.Stderr);
    }

    [Fact]
    public async Task A_corrupt_parquet_input_fails_naming_the_file()
    {
        var table = await TableAsync();
        var input = Inputs.Text(_dir.Path("broken.parquet"), "PAR1 this is not parquet");
        var r = await AppendFailsUnchangedAsync(table, input);
        Assert.Contains($"Cannot read input file '{input}'", r.Stderr);
    }

    [Theory]
    [InlineData("describe")]
    [InlineData("history")]
    [InlineData("vacuum")]
    [InlineData("export")]
    public async Task A_folder_that_is_not_a_delta_table_is_named(string command)
    {
        var folder = _dir.Path("plain");
        Inputs.Csv(Path.Combine(folder, "data.csv"), "id", "1");
        var output = _dir.Path("out/x.parquet");
        string[] args = command == "export" ? ["lake", command, folder, output] : ["lake", command, folder];

        var r = (await CdpCli.RunAsync(args)).Failed(1);
        Assert.Contains($"'{folder}' is not a Delta table", r.Stderr);
        Assert.Equal(["data.csv"], TableState.Files(folder));
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("describe")]
    [InlineData("history")]
    [InlineData("export")]
    [InlineData("append")]
    public async Task A_malformed_log_line_is_reported_with_its_file_and_line(string command)
    {
        var table = await TableAsync();
        var commit = Path.Combine(table, "_delta_log", "00000000000000000001.json");
        var lines = File.ReadAllLines(commit);
        lines[1] = """{"add": {"path": "part-x.parquet", "size": """;
        File.WriteAllLines(commit, lines);
        var files = TableState.Files(table);

        string[] args = command switch
        {
            "export" => ["lake", command, table, _dir.Path("x.parquet")],
            "append" => ["lake", command, table, Inputs.Csv(_dir.Path("more.csv"), "id,name", "4,Dario")],
            _ => ["lake", command, table],
        };
        var r = (await CdpCli.RunAsync(args)).Failed(1);
        Assert.Contains("Malformed Delta log file '_delta_log/00000000000000000001.json' line 2", r.Stderr);
        Assert.Equal(files, TableState.Files(table));
        Assert.False(File.Exists(_dir.Path("x.parquet")));
    }

    [Fact]
    public async Task A_log_naming_a_missing_data_file_fails_export_and_sql_naming_the_file()
    {
        var lake = _dir.Path("lake");
        var table = Path.Combine(lake, "bronze", "customers");
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("a.csv"), "id,name", "1,Ana"))).Succeeded();
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("b.csv"), "id,name", "2,Ben"))).Succeeded();
        var gone = TableState.DataFiles(table)[0];
        File.Delete(Path.Combine(table, gone));
        var output = _dir.Path("out/customers.parquet");

        var r = (await CdpCli.RunAsync("lake", "export", table, output)).Failed(1);
        Assert.Contains($"references data file '{gone}', which does not exist", r.Stderr);
        Assert.Empty(TableState.Files(_dir.Path("out")));

        var sql = (await CdpCli.RunAsync("sql", "SELECT count(*) FROM bronze.customers", "--lake", lake)).Failed(1);
        Assert.Contains(gone, sql.Stderr);
    }

    [Fact]
    public async Task A_gap_in_the_log_versions_is_an_error_not_skipped()
    {
        var table = await TableAsync();
        (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("c.csv"), "id,name", "4,Dario"))).Succeeded();
        File.Delete(Path.Combine(table, "_delta_log", "00000000000000000001.json"));

        var r = (await CdpCli.RunAsync("lake", "describe", table)).Failed(1);
        Assert.Contains("version 1 is missing", r.Stderr);
    }

    [Fact]
    public async Task Hostile_characters_in_table_paths_and_columns_round_trip()
    {
        var lake = _dir.Path("lake");
        var table = Path.Combine(lake, "zone 'x'", "it's \"odd\" ü*[1]");
        var input = Inputs.Csv(_dir.Path("h.csv"), "id,\"na\"\"me\",\"drop table x; --\"", "1,\"O'Brien\",\"a;b\"");
        (await CdpCli.RunAsync("lake", "append", table, input)).Succeeded();

        var rows = (await CdpCli.RunAsync("sql", "SELECT * FROM \"zone 'x'\".\"it's \"\"odd\"\" ü*[1]\"", "--lake", lake, "--format", "json")).Succeeded().JsonArray();
        var row = Assert.Single(rows)!.AsObject();
        Assert.Equal("O'Brien", (string)row["na\"me"]!);
        Assert.Equal("a;b", (string)row["drop table x; --"]!);
        (await CdpCli.RunAsync("lake", "export", table, _dir.Path("h.parquet"))).Succeeded();
        Assert.Equal(1, await TableState.ParquetRowsAsync(_dir.Path("h.parquet")));
    }

    [Theory]
    [InlineData("s3://bucket/lake/t")]
    [InlineData("gs://bucket/t")]
    [InlineData("https://example.com/t")]
    public async Task An_unsupported_uri_scheme_is_named_and_nothing_is_written_anywhere(string uri)
    {
        var work = _dir.Path("cwd");
        Inputs.Csv(Path.Combine(work, "a.csv"), "id", "1");

        var r = (await CdpProcess.RunCdpAsync(work, "lake", "append", uri, "a.csv")).Failed(1);
        Assert.Contains($"'{uri}'", r.Stderr);
        Assert.Contains("not supported", r.Stderr);
        Assert.Equal(["a.csv"], TableState.Files(work));
        Assert.Equal(["a.csv"], Directory.EnumerateFileSystemEntries(work).Select(Path.GetFileName).ToList());

        var d = (await CdpCli.RunAsync("lake", "describe", uri)).Failed(1);
        Assert.Contains($"'{uri}'", d.Stderr);
    }

    [Fact]
    public async Task A_file_uri_names_a_local_table()
    {
        var table = _dir.Path("by-uri");
        var uri = new Uri(table).AbsoluteUri;
        Assert.StartsWith("file:///", uri);
        (await CdpCli.RunAsync("lake", "append", uri, Inputs.Csv(_dir.Path("a.csv"), "id", "1", "2"))).Succeeded();
        Assert.Equal([1L, 2L], await TableState.IdsAsync(table));
    }
}
