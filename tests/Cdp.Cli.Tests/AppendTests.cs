using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp lake append</c> run in-process: every input format, partitioning, idempotency and schema changes.</summary>
public sealed class AppendTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<JsonObject> AppendAsync(params string[] args)
        => (await CdpCli.RunAsync(["lake", "append", .. args, "--format", "json"])).Succeeded().JsonObject();

    [Fact]
    public async Task Csv_append_creates_the_table_and_a_second_append_commits_the_next_version()
    {
        var table = _dir.Path("lake/bronze/customers");
        var first = Inputs.Csv(_dir.Path("c1.csv"), "id,name,country", "1,Ana,FR", "2,\"Ben, Jr\",DE");
        var second = Inputs.Csv(_dir.Path("c2.csv"), "id,name,country", "3,Chloé,ES");

        var a = await AppendAsync(table, first);
        Assert.Equal(0, (long)a["version"]!);
        Assert.Equal(2, (long)a["rows"]!);
        Assert.Equal(1, (long)a["files"]!);
        Assert.False((bool)a["already_committed"]!);
        Assert.Equal(table, (string)a["table"]!);

        var b = await AppendAsync(table, second);
        Assert.Equal(1, (long)b["version"]!);
        Assert.Equal(1, (long)b["rows"]!);

        Assert.Equal([0L, 1L], TableState.CommitVersions(table));
        var rows = await TableState.QueryAsync(table, "SELECT id, name, country FROM t ORDER BY id");
        Assert.Equal(["1|Ana|FR", "2|Ben, Jr|DE", "3|Chloé|ES"], rows.Select(r => string.Join('|', r)).ToList());
        Assert.Equal(2, TableState.DataFiles(table).Count);
    }

    [Fact]
    public async Task Json_lines_append_keeps_types_and_nulls()
    {
        var table = _dir.Path("events");
        var input = Inputs.JsonLines(_dir.Path("events.jsonl"),
            """{"id": 1, "kind": "view", "amount": 2.5, "ok": true}""",
            """{"id": 2, "kind": "buy", "amount": null, "ok": false}""");

        var r = await AppendAsync(table, input);
        Assert.Equal(2, (long)r["rows"]!);

        var rows = await TableState.QueryAsync(table, "SELECT id, kind, amount, ok FROM t ORDER BY id");
        Assert.Equal(1L, rows[0][0]);
        Assert.Equal("view", rows[0][1]);
        Assert.Equal(2.5, Convert.ToDouble(rows[0][2], CultureInfo.InvariantCulture));
        Assert.Equal(true, rows[0][3]);
        Assert.Null(rows[1][2]);
        var columns = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject()["columns"]!.AsArray();
        Assert.Equal(["id:long", "kind:string", "amount:double", "ok:boolean"],
            columns.Select(c => $"{c!["name"]}:{c["type"]}").ToList());
    }

    [Fact]
    public async Task Parquet_append_keeps_decimal_date_and_timestamp_columns()
    {
        var table = _dir.Path("orders");
        var input = await Inputs.ParquetAsync(_dir.Path("orders.parquet"),
            "SELECT i AS id, (i * 1.25)::DECIMAL(10,2) AS amount, DATE '2024-01-01' + i::INT AS day, " +
            "TIMESTAMPTZ '2024-01-01 10:00:00+00' + to_seconds(i) AS at FROM range(1, 101) t(i)");

        var r = await AppendAsync(table, input);
        Assert.Equal(100, (long)r["rows"]!);

        var columns = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject()["columns"]!.AsArray();
        Assert.Equal(["id:long", "amount:decimal(10,2)", "day:date", "at:timestamp"], columns.Select(c => $"{c!["name"]}:{c["type"]}").ToList());
        var sums = await TableState.QueryAsync(table, "SELECT sum(id)::BIGINT, sum(amount)::VARCHAR, max(day)::VARCHAR, max(\"at\")::VARCHAR FROM t");
        Assert.Equal(5050L, Convert.ToInt64(sums[0][0], CultureInfo.InvariantCulture));
        Assert.Equal("6312.50", sums[0][1]);
        Assert.Equal("2024-04-10", sums[0][2]);
        Assert.Equal("2024-01-01 10:01:40+00", sums[0][3]);
    }

    [Fact]
    public async Task Partition_by_writes_one_folder_per_value_and_records_the_partition_columns()
    {
        var table = _dir.Path("lake/bronze/customers");
        var input = Inputs.Csv(_dir.Path("c.csv"), "id,name,country", "1,Ana,FR", "2,Ben,DE", "3,Chloé,FR");

        var r = await AppendAsync(table, input, "--partition-by", "country");
        Assert.Equal(2, (long)r["files"]!);

        Assert.True(Directory.Exists(Path.Combine(table, "country=FR")));
        Assert.True(Directory.Exists(Path.Combine(table, "country=DE")));
        var d = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(["country"], d["partition_columns"]!.AsArray().Select(x => (string)x!).ToList());
        var fr = await TableState.QueryAsync(table, "SELECT id FROM t WHERE country = 'FR' ORDER BY id");
        Assert.Equal([1L, 3L], fr.Select(x => (long)x[0]!).ToList());

        // A later append is routed to the same partition layout.
        var more = Inputs.Csv(_dir.Path("c2.csv"), "id,name,country", "4,Dario,IT");
        await AppendAsync(table, more);
        Assert.True(Directory.Exists(Path.Combine(table, "country=IT")));
    }

    [Fact]
    public async Task Append_with_a_different_partitioning_than_the_table_is_refused()
    {
        var table = _dir.Path("t");
        var input = Inputs.Csv(_dir.Path("c.csv"), "id,name,country", "1,Ana,FR");
        await AppendAsync(table, input, "--partition-by", "country");

        var r = (await CdpCli.RunAsync("lake", "append", table, input, "--partition-by", "name")).Failed(1);
        Assert.Contains("partitioned by [country]", r.Stderr);
        Assert.Equal([0L], TableState.CommitVersions(table));
    }

    [Fact]
    public async Task Re_running_a_committed_app_version_prints_already_committed_and_adds_nothing()
    {
        var table = _dir.Path("orders");
        var batch1 = Inputs.Csv(_dir.Path("b1.csv"), "id,amount", "1,10", "2,20");
        var batch2 = Inputs.Csv(_dir.Path("b2.csv"), "id,amount", "3,30");

        var first = await AppendAsync(table, batch1, "--app-id", "orders-feed", "--app-version", "1");
        Assert.False((bool)first["already_committed"]!);
        var files = TableState.Files(table);

        var again = await AppendAsync(table, batch1, "--app-id", "orders-feed", "--app-version", "1");
        Assert.True((bool)again["already_committed"]!);
        Assert.Equal(0, (long)again["rows"]!);
        Assert.Equal(0, (long)again["version"]!);
        Assert.Equal(2, await TableState.CountAsync(table));
        Assert.Equal(files, TableState.Files(table));

        var next = await AppendAsync(table, batch2, "--app-id", "orders-feed", "--app-version", "2");
        Assert.False((bool)next["already_committed"]!);
        Assert.Equal(1, (long)next["version"]!);

        // An older batch of the same feed is also recognised as done; another feed is independent.
        Assert.True((bool)(await AppendAsync(table, batch2, "--app-id", "orders-feed", "--app-version", "1"))["already_committed"]!);
        Assert.False((bool)(await AppendAsync(table, batch2, "--app-id", "other-feed", "--app-version", "1"))["already_committed"]!);
        Assert.Equal([1L, 2L, 3L, 3L], await TableState.IdsAsync(table));
    }

    [Fact]
    public async Task A_new_input_column_is_added_and_older_rows_read_it_as_null()
    {
        var table = _dir.Path("customers");
        await AppendAsync(table, Inputs.Csv(_dir.Path("a.csv"), "id,name", "1,Ana"));
        await AppendAsync(table, Inputs.Csv(_dir.Path("b.csv"), "id,name,email", "2,Ben,ben@example.com"));

        var columns = (await CdpCli.RunAsync("lake", "describe", table, "--format", "json")).Succeeded().JsonObject()["columns"]!.AsArray();
        Assert.Equal(["id", "name", "email"], columns.Select(c => (string)c!["name"]!).ToList());
        Assert.True((bool)columns[2]!["nullable"]!);
        var rows = await TableState.QueryAsync(table, "SELECT id, email FROM t ORDER BY id");
        Assert.Null(rows[0][1]);
        Assert.Equal("ben@example.com", rows[1][1]);

        // An input lacking a table column is fine too: the column is null for its rows.
        await AppendAsync(table, Inputs.Csv(_dir.Path("c.csv"), "id", "3"));
        Assert.Equal(3, await TableState.CountAsync(table));
    }

    [Fact]
    public async Task An_incompatible_column_type_fails_naming_the_column_and_writes_nothing()
    {
        var table = _dir.Path("customers");
        await AppendAsync(table, Inputs.Csv(_dir.Path("a.csv"), "id,name", "1,Ana"));
        var before = TableState.Files(table);

        var r = (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("b.csv"), "id,name", "not-a-number,Ben"))).Failed(1);
        Assert.Contains("column 'id'", r.Stderr);
        Assert.Contains(table, r.Stderr);
        Assert.Equal(before, TableState.Files(table));
        Assert.Equal([0L], TableState.CommitVersions(table));
    }

    [Fact]
    public async Task No_merge_schema_refuses_a_new_column_and_writes_nothing()
    {
        var table = _dir.Path("customers");
        await AppendAsync(table, Inputs.Csv(_dir.Path("a.csv"), "id,name", "1,Ana"));
        var before = TableState.Files(table);

        var r = (await CdpCli.RunAsync("lake", "append", table, Inputs.Csv(_dir.Path("b.csv"), "id,name,email", "2,Ben,b@x"), "--no-merge-schema")).Failed(1);
        Assert.Contains("'email'", r.Stderr);
        Assert.Contains("schema merging is off", r.Stderr);
        Assert.Equal(before, TableState.Files(table));

        // Without the new column the same flag lets the append through.
        await AppendAsync(table, Inputs.Csv(_dir.Path("c.csv"), "id,name", "2,Ben"), "--no-merge-schema");
        Assert.Equal([1L, 2L], await TableState.IdsAsync(table));
    }

    [Fact]
    public async Task Tsv_and_an_explicit_input_format_are_read_with_their_dialect()
    {
        var table = _dir.Path("t");
        await AppendAsync(table, Inputs.Text(_dir.Path("a.tsv"), "id\tname\n1\tAna, the first\n"));
        await AppendAsync(table, Inputs.JsonLines(_dir.Path("b.data"), """{"id": 2, "name": "Ben"}"""), "--input-format", "jsonlines");
        var rows = await TableState.QueryAsync(table, "SELECT id, name FROM t ORDER BY id");
        Assert.Equal(["1|Ana, the first", "2|Ben"], rows.Select(r => string.Join('|', r)).ToList());
    }
}
