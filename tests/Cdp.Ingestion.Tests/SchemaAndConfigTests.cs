using Cdp.Ingestion.Config;
using Cdp.Ingestion.Discovery;
using Cdp.Storage;

namespace Cdp.Ingestion.Tests;

public sealed class SchemaAndConfigTests
{
    [Fact]
    public async Task A_new_column_in_a_later_file_evolves_the_table()
    {
        await using var w = new Workspace();
        w.Write("e/1.jsonl", "{\"id\":1}\n");
        w.Write("e/2.jsonl", "{\"id\":2,\"channel\":\"web\"}\n");
        (await w.RunAsync(Workspace.Source("e", SourceFormat.JsonLines, Path.Combine(w.Inputs, "e", "*.jsonl")))).Sources[0].Reconciled();
        var rows = await w.QueryAsync(w.Runner.TableUri("e"), "SELECT id, channel FROM t ORDER BY id");
        Assert.Null(rows[0][1]);
        Assert.Equal("web", rows[1][1]);
    }

    [Fact]
    public async Task An_incompatible_type_change_fails_the_source_naming_the_file_and_other_sources_still_run()
    {
        await using var w = new Workspace();
        w.Write("a/1.csv", "id,amount\n1,10\n");
        var second = w.Write("a/2.csv", "id,amount\n2,2024-01-01\n");
        var ok = w.Write("b.csv", "x\n1\n");
        var result = await w.RunAsync(Workspace.Source("a", SourceFormat.Csv, Path.Combine(w.Inputs, "a", "*.csv")), Workspace.Source("b", SourceFormat.Csv, ok));
        Assert.False(result.Succeeded);
        Assert.Contains($"file '{second}' does not fit the table", result.Sources[0].Error);
        Assert.Contains("column 'amount'", result.Sources[0].Error);
        Assert.True(result.Sources[1].Succeeded);
        Assert.Equal(1, await w.CountAsync(w.Runner.TableUri("a")));
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT status FROM t WHERE source = 'a' ORDER BY file");
        Assert.Equal(["landed", "failed"], ledger.Select(r => (string)r[0]!));
    }

    [Fact]
    public void Config_errors_name_the_key_path()
    {
        var section = new Dictionary<string, object?>
        {
            ["sources"] = new Dictionary<string, object?>
            {
                ["crm_customers"] = new Dictionary<string, object?> { ["format"] = "xlsx", ["path"] = "a.xlsx" },
                ["stores"] = new Dictionary<string, object?> { ["format"] = "csv", ["path"] = "s.csv", ["columns"] = new Dictionary<string, object?> { ["opened"] = "DAET" }, ["delim"] = ";" },
                ["_bad"] = new Dictionary<string, object?> { ["format"] = "parquet", ["path"] = "" },
            },
        };
        var e = Assert.Throws<IngestException>(() => IngestConfig.Read(section, "/p"));
        var lines = e.Message.Split('\n');
        Assert.Contains("cdp.yml: ingest.sources.crm_customers.format: unknown format 'xlsx' (use csv, jsonl, parquet)", lines);
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: ingest.sources.stores.columns.opened: unknown type 'DAET'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: ingest.sources.stores.delim: unknown key", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: ingest.sources._bad: invalid source name", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cdp.yml: ingest.sources._bad.path: missing or empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Config_reads_typed_sources_with_paths_relative_to_the_project()
    {
        var section = new Dictionary<string, object?>
        {
            ["sources"] = new Dictionary<string, object?>
            {
                ["stores"] = new Dictionary<string, object?> { ["format"] = "csv", ["path"] = "demo/stores.csv", ["delimiter"] = ";", ["columns"] = new Dictionary<string, object?> { ["store_id"] = "varchar", ["price"] = "decimal(10, 2)" } },
                ["orders"] = new Dictionary<string, object?> { ["format"] = "parquet", ["path"] = "abfss://c@acct.dfs.core.windows.net/exports/*.parquet" },
            },
        };
        var config = IngestConfig.Read(section, "/p");
        var stores = config.Sources[0];
        Assert.Equal((SourceFormat.Csv, "/p/demo/stores.csv", ';'), (stores.Format, stores.Path, stores.Delimiter));
        Assert.Equal(["VARCHAR", "DECIMAL(10,2)"], stores.Columns.Select(c => c.Type));
        Assert.Equal("abfss://c@acct.dfs.core.windows.net/exports/*.parquet", config.Sources[1].Path);
        var e = Assert.Throws<IngestException>(() => config.Select(["nope"]));
        Assert.Equal("unknown source(s) 'nope'; the project declares: stores, orders", e.Message);
    }

    [Theory]
    [InlineData("/d/*.csv", "/d", "a.csv", true)]
    [InlineData("/d/*.csv", "/d", "x/a.csv", false)]
    [InlineData("/d/**/*.csv", "/d", "a.csv", true)]
    [InlineData("/d/**/*.csv", "/d", "x/y/a.csv", true)]
    [InlineData("/d/events/*/*.jsonl", "/d/events", "2024/a.jsonl", true)]
    [InlineData("/d/events/*/*.jsonl", "/d/events", "a.jsonl", false)]
    [InlineData("/d/f?.csv", "/d", "f1.csv", true)]
    [InlineData("/d/f?.csv", "/d", "f10.csv", false)]
    [InlineData("az://c/exports/orders/*.parquet", "az://c/exports/orders", "o1.parquet", true)]
    public void Globs_match_segments(string pattern, string baseLocation, string key, bool matches)
    {
        var glob = Glob.Parse(pattern);
        Assert.Equal(baseLocation, glob.BaseLocation);
        Assert.Equal(matches, glob.Matches(key));
    }

    [Fact]
    public async Task Object_store_files_are_listed_through_the_store_and_ingested()
    {
        var store = new InMemoryObjectStore();
        await store.WriteAsync("2024/a.csv", "id\n1\n2\n"u8.ToArray());
        await store.WriteAsync("2024/b.txt", "x"u8.ToArray());
        await store.WriteAsync("2025/c.csv", "id\n3\n"u8.ToArray());
        using var dir = new Cdp.Testing.TempDirectory("ingest-store");
        await using var lake = new Cdp.Lake.LakeSession(resolve: uri => uri == "az://c/exports/orders" ? store : Cdp.Lake.Storage.ObjectStoreResolver.Resolve(uri));
        var runner = new Running.IngestRunner(lake, dir.Combine("lake"));
        var result = await runner.RunAsync([Workspace.Source("orders", SourceFormat.Csv, "az://c/exports/orders/**/*.csv")]);
        var s = result.Sources[0].Reconciled();
        Assert.Equal(["az://c/exports/orders/2024/a.csv", "az://c/exports/orders/2025/c.csv"], s.Files.Select(f => f.File));
        Assert.Equal(3, s.RowsLanded);
        var again = (await runner.RunAsync([Workspace.Source("orders", SourceFormat.Csv, "az://c/exports/orders/**/*.csv")])).Sources[0];
        Assert.Equal(2, again.FilesSkipped);
    }
}
