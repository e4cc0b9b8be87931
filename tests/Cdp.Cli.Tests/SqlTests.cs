using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp sql</c>: the lake's tables as views <c>zone.table</c>, in every output format.</summary>
public sealed class SqlTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<string> LakeAsync()
    {
        var lake = _dir.Path("lake");
        (await CdpCli.RunAsync("lake", "append", Path.Combine(lake, "bronze", "customers"),
            Inputs.Csv(_dir.Path("c.csv"), "id,name,country", "1,Ana,FR", "2,\"Ben, \"\"B\"\"\",DE", "3,Chloé,FR"))).Succeeded();
        (await CdpCli.RunAsync("lake", "append", Path.Combine(lake, "silver", "orders"),
            Inputs.Csv(_dir.Path("o.csv"), "order_id,customer_id,amount", "10,1,5.5", "11,1,4.5", "12,3,1.0"))).Succeeded();
        (await CdpCli.RunAsync("lake", "append", Path.Combine(lake, "countries"), Inputs.Csv(_dir.Path("k.csv"), "code", "FR", "DE"))).Succeeded();
        return lake;
    }

    [Fact]
    public async Task Json_output_joins_views_of_two_zones()
    {
        var lake = await LakeAsync();
        var rows = (await CdpCli.RunAsync("sql",
            "SELECT c.name, sum(o.amount) AS total FROM bronze.customers c JOIN silver.orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY c.name",
            "--lake", lake, "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(["Ana=10.0", "Chloé=1.0"], rows.Select(r => $"{r!["name"]}={(double)r["total"]!:0.0}").ToList());
    }

    [Fact]
    public async Task A_table_at_the_top_of_the_lake_is_in_schema_main()
    {
        var lake = await LakeAsync();
        var rows = (await CdpCli.RunAsync("sql", "SELECT count(*) AS n FROM main.countries", "--lake", lake, "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(2, (long)rows[0]!["n"]!);
    }

    [Fact]
    public async Task Csv_output_quotes_fields_as_RFC_4180()
    {
        var lake = await LakeAsync();
        var r = (await CdpCli.RunAsync("sql", "SELECT id, name FROM bronze.customers ORDER BY id", "--lake", lake, "--format", "csv")).Succeeded();
        Assert.Equal("id,name\n1,Ana\n2,\"Ben, \"\"B\"\"\"\n3,Chloé\n", r.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Table_output_shows_headers_and_values_and_caps_rows()
    {
        var lake = await LakeAsync();
        var r = (await CdpCli.RunAsync("sql", "SELECT id, country FROM bronze.customers ORDER BY id", "--lake", lake)).Succeeded();
        Assert.Contains("country", r.Stdout);
        Assert.Contains("FR", r.Stdout);
        Assert.Contains("DE", r.Stdout);

        var capped = (await CdpCli.RunAsync("sql", "SELECT * FROM range(10)", "--max-rows", "3")).Succeeded();
        Assert.Contains("7 more rows not shown", capped.Stdout);
    }

    [Fact]
    public async Task Several_statements_print_the_last_result_and_a_sql_error_exits_1()
    {
        var r = (await CdpCli.RunAsync("sql", "CREATE TABLE x AS SELECT 41 AS v; SELECT v + 1 AS answer FROM x", "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(42, (long)r[0]!["answer"]!);

        var lake = await LakeAsync();
        var bad = (await CdpCli.RunAsync("sql", "SELECT * FROM bronze.nope", "--lake", lake, "--format", "json")).Failed(1);
        Assert.Contains("nope", bad.Stderr);
    }
}
