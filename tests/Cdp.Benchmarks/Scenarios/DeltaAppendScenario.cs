using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Storage;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Appends generated rows to a fresh local Delta table through <see cref="DeltaWriter"/>, against DuckDB writing the
/// same query to one snappy Parquet file with COPY in the same engine. The gap is the price of the Delta write:
/// schema inference, the cast projection, per-file statistics, moving the file into the table and the commit.
/// </summary>
/// <remarks>
/// By default the rows are generated once into a DuckDB table and both sides read <c>SELECT * FROM bench_rows</c>.
/// Streaming straight from <c>range()</c> (<c>--inline-source</c>) gives a single-task pipeline: when DuckDB's
/// worker thread picks that task, the calling thread busy-polls for the whole statement, which on a loaded 2-core
/// machine doubles the CPU time and up to doubles the wall time of that run, on either side, at random.
/// </remarks>
internal sealed class DeltaAppendScenario : IScenario
{
    public string Name => "delta-append";

    public string Description => "DeltaWriter append of N generated rows vs DuckDB COPY of the same query to Parquet";

    public long DefaultSize => 5_000_000;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await using var engine = new DuckDbEngine();
        var writer = new DeltaWriter(engine);
        var checkpoints = new DuckDbCheckpointFormat(engine);
        string sql, warmUp;
        var warmRows = Math.Min(context.Size, 10_000);
        if (context.InlineSource)
        {
            sql = CustomerRows.Query(context.Size);
            warmUp = CustomerRows.Query(warmRows);
        }
        else
        {
            var generate = await Timing.TimeAsync(() =>
                engine.ExecuteAsync($"CREATE TEMP TABLE bench_rows AS {CustomerRows.Query(context.Size)}", cancellationToken)).ConfigureAwait(false);
            Log.Write($"  generated {context.Size.ToString("N0", CultureInfo.InvariantCulture)} rows into bench_rows in {generate.Seconds:F1}s");
            sql = "SELECT * FROM bench_rows";
            warmUp = $"SELECT * FROM bench_rows LIMIT {warmRows}";
        }

        var described = await engine.DescribeAsync(sql, cancellationToken).ConfigureAwait(false);
        if (!described.Select(c => (c.Name, c.Type)).SequenceEqual(CustomerRows.Columns))
            throw new InvalidOperationException("The generated rows do not have the expected types: " + string.Join(", ", described.Select(c => $"{c.Name} {c.Type}")));

        long deltaFiles = 0, deltaBytes = 0, baselineBytes = 0;
        async Task<Measurement> AppendAsync(string query, long expectedRows)
        {
            var folder = context.Workspace.NewFolder("delta");
            try
            {
                var table = new DeltaTable(new LocalObjectStore(folder), checkpoints);
                WriteResult? result = null;
                var measurement = await Timing.TimeAsync(async () =>
                    result = await writer.WriteAsync(table, query, WriteMode.Append, cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                if (result!.RowsWritten != expectedRows) throw new InvalidOperationException($"DeltaWriter wrote {result.RowsWritten} rows, expected {expectedRows}.");
                var snapshot = await table.GetSnapshotAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                deltaFiles = snapshot.Files.Count;
                deltaBytes = snapshot.TotalBytes;
                return measurement;
            }
            finally
            {
                Workspace.Delete(folder);
            }
        }

        async Task<Measurement> CopyAsync(string query, long expectedRows)
        {
            var folder = context.Workspace.NewFolder("copy");
            try
            {
                var file = Path.Combine(folder, "data.parquet");
                var measurement = await Timing.TimeAsync(() =>
                    engine.ExecuteAsync($"COPY ({query}) TO {Sql.Literal(file)} (FORMAT parquet, COMPRESSION snappy)", cancellationToken)).ConfigureAwait(false);
                var count = await engine.QueryAsync($"SELECT count(*) FROM read_parquet({Sql.Literal(file)})", cancellationToken).ConfigureAwait(false);
                var rows = Convert.ToInt64(count.Scalar, CultureInfo.InvariantCulture);
                if (rows != expectedRows) throw new InvalidOperationException($"COPY wrote {rows} rows, expected {expectedRows}.");
                baselineBytes = new FileInfo(file).Length;
                return measurement;
            }
            finally
            {
                Workspace.Delete(folder);
            }
        }

        // Warm-up: loads DuckDB's Parquet writer and JITs the write path; not timed.
        await AppendAsync(warmUp, warmRows).ConfigureAwait(false);
        await CopyAsync(warmUp, warmRows).ConfigureAwait(false);

        var samples = new Samples();
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var run = await AppendAsync(sql, context.Size).ConfigureAwait(false);
                samples.Add("delta", run);
                Log.Write($"  repeat {r + 1}: DeltaWriter append {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            },
            async r =>
            {
                var run = await CopyAsync(sql, context.Size).ConfigureAwait(false);
                samples.Add("copy", run);
                Log.Write($"  repeat {r + 1}: COPY to Parquet {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            }).ConfigureAwait(false);

        var appended = samples.Median("delta");
        return new ScenarioResult(appended, samples.Median("copy"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("delta", "copy"),
            ["source"] = context.InlineSource ? "range() query" : "bench_rows table (generated by range())",
            ["rows_per_second"] = Math.Round(context.Size / appended.Seconds),
            ["files"] = deltaFiles,
            ["bytes"] = deltaBytes,
            ["baseline_bytes"] = baselineBytes,
            ["seconds_all"] = samples.All("delta"),
            ["baseline_all"] = samples.All("copy"),
        });
    }
}
