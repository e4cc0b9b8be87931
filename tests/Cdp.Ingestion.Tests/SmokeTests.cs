using Cdp.Ingestion.Config;

namespace Cdp.Ingestion.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Csv_lands_with_lineage()
    {
        await using var w = new Workspace();
        var path = w.Write("a.csv", "id,name\n1,ann\n2,\"bo\nb\"\n3,cy\n");
        var r = await w.RunAsync(Workspace.Source("people", SourceFormat.Csv, path));
        var s = r.Sources[0].Reconciled();
        Assert.Equal(3, s.RowsLanded);
        var rows = await w.QueryAsync(w.Runner.TableUri("people"), "SELECT id, name, _source_line, _source_file, _batch_id FROM t ORDER BY id");
        Assert.Equal([2L, 3L, 5L], rows.Select(x => Workspace.Long(x[2])));
        Assert.All(rows, x => Assert.Equal(path, x[3]));
        Assert.All(rows, x => Assert.Equal(r.BatchId, x[4]));
    }
}
