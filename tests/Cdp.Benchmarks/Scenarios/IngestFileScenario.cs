using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Lake;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// Ingests one generated CSV or JSON-lines file into a fresh bronze table through <see cref="IngestRunner"/>
/// (staging pass, DuckDB read with rejects, Delta append with lineage, quarantine check, run ledger), against DuckDB
/// reading the same file and writing it to one snappy Parquet file with COPY, in the same engine.
/// </summary>
internal sealed class IngestFileScenario(SourceFormat format) : IScenario
{
    public string Name => format == SourceFormat.Csv ? "ingest-csv" : "ingest-json";

    public string Description => $"IngestRunner on one {(format == SourceFormat.Csv ? "CSV" : "JSON-lines")} file of N rows vs DuckDB COPY (SELECT * FROM {Reader}(file)) TO parquet";

    public long DefaultSize => 2_000_000;

    private string Reader => format == SourceFormat.Csv ? "read_csv" : "read_json";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await using var lake = new LakeSession();
        var engine = lake.Engine;
        var input = Path.Combine(context.Workspace.Root, format == SourceFormat.Csv ? "input.csv" : "input.jsonl");
        var copyOptions = format == SourceFormat.Csv ? "FORMAT csv, HEADER true" : "FORMAT json";
        var generate = await Timing.TimeAsync(() => engine.ExecuteAsync(
            $"COPY ({CustomerRows.Query(context.Size)}) TO {Sql.Literal(input)} ({copyOptions})", cancellationToken)).ConfigureAwait(false);
        var bytes = new FileInfo(input).Length;
        Log.Write($"  wrote {context.Size.ToString("N0", CultureInfo.InvariantCulture)} rows, {bytes >> 20} MB in {generate.Seconds:F1}s");

        async Task<Measurement> IngestAsync()
        {
            var folder = context.Workspace.NewFolder("lake");
            try
            {
                var runner = new IngestRunner(lake, folder);
                IngestRunResult? result = null;
                var m = await Timing.TimeAsync(async () =>
                    result = await runner.RunAsync([new SourceDefinition("bench", format, input, ',', [])], null, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                var s = result!.Sources[0];
                if (!s.Succeeded || s.RowsLanded != context.Size) throw new InvalidOperationException($"ingest landed {s.RowsLanded} rows, expected {context.Size}: {s.Error}");
                return m;
            }
            finally
            {
                Workspace.Delete(folder);
            }
        }

        async Task<Measurement> CopyAsync()
        {
            var folder = context.Workspace.NewFolder("copy");
            try
            {
                var file = Path.Combine(folder, "data.parquet");
                var m = await Timing.TimeAsync(() => engine.ExecuteAsync(
                    $"COPY (SELECT * FROM {Reader}({Sql.Literal(input)})) TO {Sql.Literal(file)} (FORMAT parquet, COMPRESSION snappy)", cancellationToken)).ConfigureAwait(false);
                var rows = Convert.ToInt64((await engine.QueryAsync($"SELECT count(*) FROM read_parquet({Sql.Literal(file)})", cancellationToken).ConfigureAwait(false)).Scalar, CultureInfo.InvariantCulture);
                if (rows != context.Size) throw new InvalidOperationException($"COPY wrote {rows} rows, expected {context.Size}.");
                return m;
            }
            finally
            {
                Workspace.Delete(folder);
            }
        }

        var samples = new Samples();
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var run = await IngestAsync().ConfigureAwait(false);
                samples.Add("ingest", run);
                Log.Write($"  repeat {r + 1}: ingest {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            },
            async r =>
            {
                var run = await CopyAsync().ConfigureAwait(false);
                samples.Add("copy", run);
                Log.Write($"  repeat {r + 1}: COPY to Parquet {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            }).ConfigureAwait(false);

        var measured = samples.Median("ingest");
        return new ScenarioResult(measured, samples.Median("copy"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("ingest", "copy"),
            ["input_bytes"] = bytes,
            ["rows_per_second"] = Math.Round(context.Size / measured.Seconds),
            ["baseline_rows_per_second"] = Math.Round(context.Size / samples.Median("copy").Seconds),
            ["seconds_all"] = samples.All("ingest"),
            ["baseline_all"] = samples.All("copy"),
        });
    }
}
