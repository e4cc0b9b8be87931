using Cdp.Engine;

namespace Cdp.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public async Task AppendThenReadBack()
    {
        await using var t = new LocalTable();
        var r = await t.Writer.WriteAsync(t.Table, "SELECT i AS id, 'n' || i AS name, i % 3 AS part FROM range(10) r(i)", WriteMode.Append, new WriteOptions { PartitionBy = ["part"] });
        Assert.Equal(0, r.Version);
        Assert.Equal(10, r.RowsWritten);
        var r2 = await t.Writer.WriteAsync(t.Table, "SELECT 10 AS id, 'x' AS name, NULL::BIGINT AS part", WriteMode.Append);
        Assert.Equal(1, r2.Version);
        var rows = await t.ReadAsync("id, name, part", "id");
        Assert.Equal(11, rows.Rows.Count);
        Assert.Null(rows.Rows[10][2]);
        Assert.Equal(2L, rows.Rows[5][2]);
        var d = await t.Writer.DeleteAsync(t.Table, "id < 3");
        Assert.Equal(3, d.RowsDeleted);
        var m = await t.Writer.MergeAsync(t.Table, "SELECT 5 AS id, 'five' AS name, 2::BIGINT AS part UNION ALL SELECT 20, 'twenty', 2", ["id"]);
        rows = await t.ReadAsync("id, name", "id");
        Assert.Equal(9, rows.Rows.Count);
        Assert.Equal("five", rows.Rows.Single(x => (long)x[0]! == 5)[1]);
        for (var i = 0; i < 12; i++) await t.Writer.WriteAsync(t.Table, $"SELECT {100 + i} AS id, 'y' AS name, 1::BIGINT AS part", WriteMode.Append);
        Assert.True(File.Exists(Path.Combine(t.Root, "_delta_log", "00000000000000000010.checkpoint.parquet")));
        rows = await t.ReadAsync("count(*)", "1");
        Assert.Equal(21L, Convert.ToInt64(rows.Rows[0][0]));
    }
}
