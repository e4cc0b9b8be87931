using System.Text;
using Cdp.Ingestion.Config;

namespace Cdp.Ingestion.Tests;

/// <summary>Each kind of bad input goes to the quarantine table with its reason, file and line; the good rows land.</summary>
public sealed class QuarantineTests
{
    [Fact]
    public async Task A_value_that_cannot_be_read_as_its_declared_type_is_quarantined()
    {
        await using var w = new Workspace();
        var path = w.Write("s.csv", "store_id,opened\nS1,2020-01-05\nS2,last tuesday\nS3,2021-03-04\n");
        var s = await RunAsync(w, Workspace.Source("stores", SourceFormat.Csv, path, ',', ("store_id", "VARCHAR"), ("opened", "DATE")), 3, 2, 1);
        var q = await SingleQuarantinedAsync(w, "stores");
        Assert.Equal((path, 3L, "S2,last tuesday"), (q.File, q.Line, q.Raw));
        Assert.Equal("column 'opened': value cannot be read as DATE", q.Reason);
        Assert.Equal("opened", q.Column);
        var landed = await w.QueryAsync(w.Runner.TableUri("stores"), "SELECT store_id, opened, _source_line FROM t ORDER BY 3");
        Assert.Equal([2L, 4L], landed.Select(r => Workspace.Long(r[2])));
        Assert.Equal(new DateOnly(2021, 3, 4), landed[1][1]);
    }

    [Fact]
    public async Task A_truncated_json_line_is_quarantined()
    {
        await using var w = new Workspace();
        var path = w.Write("e.jsonl", "{\"id\": 1, \"kind\": \"view\"}\n{\"id\": 2, \"kind\": \"cli\n{\"id\": 3, \"kind\": \"buy\"}\n");
        await RunAsync(w, Workspace.Source("events", SourceFormat.JsonLines, path), 3, 2, 1);
        var q = await SingleQuarantinedAsync(w, "events");
        Assert.Equal((path, 2L, "{\"id\": 2, \"kind\": \"cli"), (q.File, q.Line, q.Raw));
        Assert.Equal("truncated JSON: the line ends before the object is complete", q.Reason);
    }

    [Fact]
    public async Task Invalid_json_and_non_objects_are_quarantined_with_the_position()
    {
        await using var w = new Workspace();
        var path = w.Write("e.jsonl", "{\"id\": 1}\n[1, 2]\n{\"id\": 2,, \"x\": 1}\n{\"id\": 3}\n");
        await RunAsync(w, Workspace.Source("events", SourceFormat.JsonLines, path), 4, 2, 2);
        var rows = await w.QueryAsync(w.Runner.QuarantineUri("events"), "SELECT _source_line, reason FROM t ORDER BY 1");
        Assert.Equal("not a JSON object (each line must be one {...} object)", rows[0][1]);
        Assert.Equal("invalid JSON at byte 10 of the line", rows[1][1]);
    }

    [Fact]
    public async Task A_file_with_the_wrong_delimiter_is_quarantined_row_by_row()
    {
        await using var w = new Workspace();
        var good = w.Write("s/1.csv", "store_id,city\nS1,Lyon\n");
        var bad = w.Write("s/2.csv", "store_id;city\nS2;Nice\nS3;Metz\n");
        var s = (await w.RunAsync(Workspace.Source("stores", SourceFormat.Csv, Path.Combine(w.Inputs, "s", "*.csv")))).Sources[0].Reconciled();
        Assert.Equal((3L, 1L, 2L), (s.RowsRead, s.RowsLanded, s.RowsQuarantined));
        var rows = await w.QueryAsync(w.Runner.QuarantineUri("stores"), "SELECT _source_file, _source_line, reason, raw FROM t ORDER BY 2");
        Assert.All(rows, r => Assert.Equal(bad, r[0]));
        Assert.Equal([2L, 3L], rows.Select(r => Workspace.Long(r[1])));
        Assert.All(rows, r => Assert.Equal("wrong delimiter: the header is one field containing ';', but the source declares delimiter ','", r[2]));
        Assert.Equal("S2;Nice", rows[0][3]);
        // The bad header did not add a column "store_id;city" to the table.
        var columns = await w.QueryAsync(w.Runner.TableUri("stores"), "SELECT * FROM t LIMIT 0");
        Assert.Equal(1, await w.CountAsync(w.Runner.TableUri("stores"), $"_source_file = '{good}'"));
        Assert.Empty(columns);
    }

    [Fact]
    public async Task Rows_with_the_wrong_delimiter_among_good_rows_are_quarantined()
    {
        await using var w = new Workspace();
        var path = w.Write("s.csv", "id,city,zip\n1,Lyon,69000\n2;Nice;06000\n3,Metz,57000\n");
        await RunAsync(w, Workspace.Source("stores", SourceFormat.Csv, path), 3, 2, 1);
        var q = await SingleQuarantinedAsync(w, "stores");
        Assert.Equal((3L, "2;Nice;06000"), (q.Line, q.Raw));
        Assert.Equal("expected 3 fields as in the header, found 1 (the line seems delimited by ';', not ',')", q.Reason);
    }

    [Fact]
    public async Task Invalid_utf8_is_quarantined_in_csv_and_json()
    {
        await using var w = new Workspace();
        byte[] Bytes(string before, string after) => [.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(after)];
        var csv = w.WriteBytes("p.csv", Bytes("id,name\n1,ann\n2,b", "b\n3,cy\n"));
        var json = w.WriteBytes("p.jsonl", Bytes("{\"id\":1}\n{\"id\":2,\"name\":\"b", "b\"}\n{\"id\":3}\n"));
        await RunAsync(w, Workspace.Source("pc", SourceFormat.Csv, csv), 3, 2, 1);
        await RunAsync(w, Workspace.Source("pj", SourceFormat.JsonLines, json), 3, 2, 1);
        foreach (var (source, file) in new[] { ("pc", csv), ("pj", json) })
        {
            var q = await SingleQuarantinedAsync(w, source);
            Assert.Equal((file, 3L - (source == "pj" ? 1 : 0), "invalid UTF-8 (the file must be UTF-8 encoded)"), (q.File, q.Line, q.Reason));
            Assert.Contains('\uFFFD', q.Raw);
        }
    }

    [Fact]
    public async Task A_ragged_row_is_quarantined()
    {
        await using var w = new Workspace();
        var path = w.Write("r.csv", "id,name,city\n1,ann,Lyon\n2,bob\n3,cy,Metz,extra\n4,\"multi\nline\",Nice\n");
        await RunAsync(w, Workspace.Source("people", SourceFormat.Csv, path), 4, 2, 2);
        var rows = await w.QueryAsync(w.Runner.QuarantineUri("people"), "SELECT _source_line, reason, raw FROM t ORDER BY 1");
        Assert.Equal((3L, "expected 3 fields as in the header, found 2", "2,bob"), (Workspace.Long(rows[0][0]), rows[0][1], rows[0][2]));
        Assert.Equal((4L, "expected 3 fields as in the header, found 4"), (Workspace.Long(rows[1][0]), rows[1][1]));
        var landed = await w.QueryAsync(w.Runner.TableUri("people"), "SELECT _source_line FROM t ORDER BY 1");
        Assert.Equal([2L, 5L], landed.Select(r => Workspace.Long(r[0])));
    }

    [Fact]
    public async Task A_json_value_that_does_not_fit_the_declared_type_is_quarantined()
    {
        await using var w = new Workspace();
        var path = w.Write("e.jsonl", "{\"id\":1,\"at\":\"2024-01-01 10:00:00\"}\n{\"id\":2,\"at\":\"soon\"}\n{\"id\":3}\n");
        await RunAsync(w, Workspace.Source("events", SourceFormat.JsonLines, path, ',', ("at", "TIMESTAMP")), 3, 2, 1);
        var q = await SingleQuarantinedAsync(w, "events");
        Assert.Equal((2L, "at", "column 'at': value cannot be read as TIMESTAMP", "{\"id\":2,\"at\":\"soon\"}"), (q.Line, q.Column, q.Reason, q.Raw));
    }

    private static async Task<Running.SourceResult> RunAsync(Workspace w, SourceDefinition source, long read, long landed, long quarantined)
    {
        var s = (await w.RunAsync(source)).Sources[0].Reconciled();
        Assert.Equal((read, landed, quarantined), (s.RowsRead, s.RowsLanded, s.RowsQuarantined));
        Assert.Equal(landed, await w.CountAsync(w.Runner.TableUri(source.Name)));
        Assert.Equal(quarantined, w.Exists(w.Runner.QuarantineUri(source.Name)) ? await w.CountAsync(w.Runner.QuarantineUri(source.Name)) : 0);
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, $"SELECT rows_read, rows_landed, rows_quarantined FROM t WHERE source = '{source.Name}'");
        Assert.Equal((read, landed, quarantined), (Workspace.Long(ledger[0][0]), Workspace.Long(ledger[0][1]), Workspace.Long(ledger[0][2])));
        return s;
    }

    private static async Task<(string File, long Line, string? Column, string Reason, string Raw)> SingleQuarantinedAsync(Workspace w, string source)
    {
        var rows = await w.QueryAsync(w.Runner.QuarantineUri(source), "SELECT _source_file, _source_line, column_name, reason, raw FROM t");
        var r = Assert.Single(rows);
        return ((string)r[0]!, Workspace.Long(r[1]), (string?)r[2], (string)r[3]!, (string)r[4]!);
    }
}
