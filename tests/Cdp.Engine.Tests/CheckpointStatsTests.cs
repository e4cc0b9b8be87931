using Cdp.Delta;
using Cdp.Delta.Actions;
using Cdp.Delta.Stats;
using Cdp.Storage;

namespace Cdp.Engine.Tests;

/// <summary>Checkpoints written by Spark with delta.checkpoint.writeStatsAsStruct carry stats as a struct, not JSON.</summary>
public class CheckpointStatsTests
{
    [Fact]
    public async Task StatsParsedStructIsReadAsStats()
    {
        // No shared fixture has a stats_parsed column (DAT stats_as_struct's checkpoint holds no stats at all), so write one.
        await using var t = new LocalTable();
        Directory.CreateDirectory(Path.Combine(t.Root, "_delta_log"));
        var key = "_delta_log/00000000000000000000.checkpoint.parquet";
        await t.Engine.ExecuteAsync(
            "COPY (SELECT NULL::STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER) AS protocol, " +
            "{'path': 'a.parquet', 'partitionValues': MAP {}::MAP(VARCHAR, VARCHAR), 'size': 10::BIGINT, 'modificationTime': 1::BIGINT, 'dataChange': false, " +
            "'stats_parsed': {'numRecords': 7::BIGINT, 'minValues': {'id': 1::BIGINT, 'day': DATE '2020-01-02'}, 'maxValues': {'id': 9::BIGINT, 'day': DATE '2020-03-04'}, " +
            "'nullCount': {'id': 0::BIGINT, 'day': 2::BIGINT}}} AS add) " +
            $"TO '{Path.Combine(t.Root, key)}' (FORMAT parquet)");
        var info = await t.Store.GetInfoAsync(key) ?? throw new InvalidOperationException("checkpoint not written");

        var actions = await new DuckDbCheckpointFormat(t.Engine).ReadAsync(t.Store, [info], CancellationToken.None);

        var add = Assert.Single(actions.OfType<AddFile>());
        var stats = FileStatistics.TryParse(add.Stats);
        Assert.NotNull(stats);
        Assert.Equal(7, stats.NumRecords);
        Assert.Contains("\"day\":\"2020-03-04\"", add.Stats, StringComparison.Ordinal);
    }
}
