namespace Cdp.Engine.Tests;

/// <summary>
/// Random sequences of appends, merges, deletes and overwrites give the same rows as the same operations on a plain
/// DuckDB table, after every step: the Delta writer is a faithful implementation of these operations.
/// </summary>
public class ModelPropertyTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public async Task RandomOperationsMatchAReferenceTable(int seed, bool partitioned)
    {
        var random = new Random(seed);
        await using var t = new LocalTable();
        await t.Engine.ExecuteAsync("CREATE TABLE ref (k BIGINT, v VARCHAR, g VARCHAR)");
        var options = new WriteOptions { PartitionBy = partitioned ? ["g"] : [] };
        await t.AppendAsync("SELECT 0::BIGINT AS k, 'seed' AS v, 'a' AS g", options);
        await t.Engine.ExecuteAsync("INSERT INTO ref VALUES (0, 'seed', 'a')");

        for (var step = 0; step < 14; step++)
        {
            var batch = RandomBatch(random, step);
            switch (random.Next(4))
            {
                case 0:
                    await t.AppendAsync(batch);
                    await t.Engine.ExecuteAsync($"INSERT INTO ref {batch}");
                    break;
                case 1:
                    // Merge needs unique keys in the source.
                    var unique = $"SELECT DISTINCT ON (k) * FROM ({batch}) ORDER BY k";
                    await t.Writer.MergeAsync(t.Table, unique, ["k"]);
                    await t.Engine.ExecuteAsync($"DELETE FROM ref WHERE k IN (SELECT k FROM ({unique})); INSERT INTO ref {unique}");
                    break;
                case 2:
                    var predicate = $"k % {random.Next(2, 6)} = {random.Next(0, 2)}";
                    await t.Writer.DeleteAsync(t.Table, predicate);
                    await t.Engine.ExecuteAsync($"DELETE FROM ref WHERE {predicate}");
                    break;
                default:
                    if (random.Next(3) == 0)
                    {
                        await t.Writer.WriteAsync(t.Table, batch, WriteMode.Overwrite);
                        await t.Engine.ExecuteAsync($"DELETE FROM ref; INSERT INTO ref {batch}");
                    }
                    else
                    {
                        await t.AppendAsync(batch);
                        await t.Engine.ExecuteAsync($"INSERT INTO ref {batch}");
                    }
                    break;
            }
            await Assertions.SameRowsAsync(t.Engine, "SELECT k, v, g FROM ref", $"SELECT k, v, g FROM ({await t.ScanAsync()})");
        }
    }

    private static string RandomBatch(Random random, int step)
    {
        var rows = Enumerable.Range(0, random.Next(1, 12))
            .Select(_ => $"({random.Next(0, 40)}, 'v{step}_{random.Next(100)}', {(random.Next(5) == 0 ? "NULL" : $"'{(char)('a' + random.Next(3))}'")})");
        return $"SELECT k::BIGINT AS k, v, g FROM (VALUES {string.Join(", ", rows)}) AS b(k, v, g)";
    }
}
