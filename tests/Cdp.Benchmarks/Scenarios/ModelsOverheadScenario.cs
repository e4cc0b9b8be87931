using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling;
using Cdp.Modeling.Artifacts;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;
using Cdp.Testing;

namespace Cdp.Benchmarks.Scenarios;

/// <summary>
/// <c>cdp models run</c> of a project with one table model of N generated rows, through the whole
/// <see cref="ModelingWorkflow.RunAsync"/> (load, compile, artifacts, the Delta overwrite, the view over the new
/// snapshot, run_results.json, the catalog file), against the same SELECT as a plain DuckDB <c>CREATE TABLE AS</c>
/// plus <c>COPY</c> of that table to one Parquet file, in the same engine. Also compiles the generated 500-model
/// project (<see cref="LargeModelProject"/>) and reports its compile time.
/// </summary>
internal sealed class ModelsOverheadScenario : IScenario
{
    public string Name => "models-overhead";

    public string Description => "models run of one N-row table model vs CREATE TABLE AS + COPY to Parquet of the same SELECT";

    public long DefaultSize => 1_000_000;

    public static string Query(long size)
        => "select i as id, i % 1000 as customer, (i * 7919) % 10007 / 100.0 as amount, 'status_' || (i % 5) as status " +
           $"from range({size.ToString(CultureInfo.InvariantCulture)}) t(i)";

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var project = context.Workspace.NewFolder("project");
        File.WriteAllText(Path.Combine(project, "cdp.yml"), "name: bench\nlake: ./lake\n");
        Directory.CreateDirectory(Path.Combine(project, "models"));
        File.WriteAllText(Path.Combine(project, "models", "orders.sql"), "{{ config(materialized='table') }}\n" + Query(context.Size) + "\n");
        var workflow = new ModelingWorkflow(new JinjaTemplateEngine());
        var request = new ModelingRequest { ProjectDirectory = project };

        await using var lake = new LakeSession();
        var engine = lake.Engine;
        var phases = new Samples();

        async Task<Measurement> ModelsRunAsync(bool record)
        {
            RunOutcome? outcome = null;
            var measurement = await Timing.TimeAsync(async () =>
                outcome = await workflow.RunAsync(lake, request, RunMode.Run, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            var result = outcome!.Summary.Results.Single();
            if (!outcome.Summary.Succeeded || result.RowsAffected != context.Size)
                throw new InvalidOperationException($"models run: {result.Status} {result.Message}");
            if (record)
            {
                var execute = result.Duration.TotalSeconds;
                phases.Add("execute", new Measurement(execute, 0));
                phases.Add("outside_execute", new Measurement(measurement.Seconds - execute, 0));
            }
            return measurement;
        }

        async Task<Measurement> BaselineAsync()
        {
            var folder = context.Workspace.NewFolder("copy");
            try
            {
                var file = Path.Combine(folder, "orders.parquet");
                var measurement = await Timing.TimeAsync(async () =>
                {
                    await engine.ExecuteAsync($"CREATE OR REPLACE TABLE bench_orders AS {Query(context.Size)}", cancellationToken).ConfigureAwait(false);
                    await engine.ExecuteAsync($"COPY bench_orders TO {Sql.Literal(file)} (FORMAT parquet)", cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                var count = await engine.QueryAsync($"SELECT count(*) FROM read_parquet({Sql.Literal(file)})", cancellationToken).ConfigureAwait(false);
                if (Convert.ToInt64(count.Scalar, CultureInfo.InvariantCulture) != context.Size) throw new InvalidOperationException("The baseline wrote the wrong row count.");
                return measurement;
            }
            finally
            {
                await engine.ExecuteAsync("DROP TABLE IF EXISTS bench_orders", cancellationToken).ConfigureAwait(false);
                Workspace.Delete(folder);
            }
        }

        // Not the baseline, for the breakdown: the single pass the model's write makes (COPY of the SELECT itself).
        async Task<Measurement> DirectCopyAsync()
        {
            var folder = context.Workspace.NewFolder("direct");
            try
            {
                var file = Path.Combine(folder, "orders.parquet");
                return await Timing.TimeAsync(() =>
                    engine.ExecuteAsync($"COPY ({Query(context.Size)}) TO {Sql.Literal(file)} (FORMAT parquet, COMPRESSION snappy)", cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                Workspace.Delete(folder);
            }
        }

        // Warm-up (creates the table, so every timed run is the steady state: an overwrite), not timed.
        await ModelsRunAsync(record: false).ConfigureAwait(false);
        await BaselineAsync().ConfigureAwait(false);
        await DirectCopyAsync().ConfigureAwait(false);

        var samples = new Samples();
        await Timing.InterleaveAsync(context.Repeat, cancellationToken,
            async r =>
            {
                var run = await ModelsRunAsync(record: true).ConfigureAwait(false);
                samples.Add("models", run);
                Log.Write($"  repeat {r + 1}: models run {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            },
            async r =>
            {
                var run = await BaselineAsync().ConfigureAwait(false);
                samples.Add("baseline", run);
                Log.Write($"  repeat {r + 1}: CREATE TABLE AS + COPY {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            },
            async r =>
            {
                var run = await DirectCopyAsync().ConfigureAwait(false);
                samples.Add("direct", run);
                Log.Write($"  repeat {r + 1}: COPY (SELECT) only {run.Seconds:F3}s ({run.CpuSeconds:F3}s CPU)");
            }).ConfigureAwait(false);

        // The fixed costs around the write, each timed on its own (medians over the repeats).
        for (var r = 0; r < context.Repeat; r++)
        {
            phases.Add("compile", await Timing.TimeAsync(() => workflow.CompileAsync(lake, request, cancellationToken)).ConfigureAwait(false));
            var catalog = Path.Combine(project, "target", "bench-catalog.duckdb");
            phases.Add("catalog", await Timing.TimeAsync(() => lake.WriteCatalogFileAsync(Path.Combine(project, "lake"), catalog, cancellationToken)).ConfigureAwait(false));
        }

        var large = context.Workspace.NewFolder("large");
        LargeModelProject.WriteTo(large);
        var largeRequest = new ModelingRequest { ProjectDirectory = large };
        var compileLarge = new Samples();
        for (var r = 0; r <= context.Repeat; r++)
        {
            CompileOutcome? compiled = null;
            var run = await Timing.TimeAsync(async () => compiled = await workflow.CompileAsync(lake, largeRequest, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            if (compiled!.Compiled.Diagnostics.Count > 0 || compiled.Compiled.Graph.Nodes.Count(n => n.Kind == NodeKind.Model) != LargeModelProject.ModelCount)
                throw new InvalidOperationException("The 500-model project did not compile cleanly.");
            compileLarge.Add(r == 0 ? "cold" : "warm", run);
            Log.Write($"  compile of {LargeModelProject.ModelCount} models: {run.Seconds:F3}s{(r == 0 ? " (first)" : "")}");
        }

        // Where a compile of the 500 models goes: loading the files, rendering, writing compiled SQL, the manifest.
        var parts = new Samples();
        for (var r = 0; r < context.Repeat; r++)
        {
            var bag = new DiagnosticBag();
            ModelingProject? loaded = null;
            CompiledProject? compiled = null;
            parts.Add("load", await Timing.TimeAsync(() => Task.FromResult(loaded = ProjectLoader.Load(large, bag))).ConfigureAwait(false));
            parts.Add("compile", await Timing.TimeAsync(() => Task.FromResult(compiled = new ProjectCompiler(new JinjaTemplateEngine()).Compile(loaded!, new CompileOptions(), bag))).ConfigureAwait(false));
            parts.Add("compiled_files", await Timing.TimeAsync(() =>
            {
                ArtifactWriter.WriteCompiled(compiled!);
                return Task.CompletedTask;
            }).ConfigureAwait(false));
            parts.Add("manifest", await Timing.TimeAsync(() => Task.FromResult(ArtifactWriter.WriteManifest(compiled!))).ConfigureAwait(false));
        }
        Log.Write($"  500 models: load {parts.Median("load").Seconds:F3}s, compile {parts.Median("compile").Seconds:F3}s, " +
                  $"compiled files {parts.Median("compiled_files").Seconds:F3}s, manifest {parts.Median("manifest").Seconds:F3}s");

        // Running it: one build of the 500 models (seeds, views, tables, tests), then the catalog refresh on its own.
        RunOutcome? built = null;
        var build500 = await Timing.TimeAsync(async () => built = await workflow.RunAsync(lake, largeRequest, RunMode.Build, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (!built!.Summary.Succeeded) throw new InvalidOperationException("The 500-model build failed.");
        var catalog500 = await Timing.TimeAsync(() => lake.WriteCatalogFileAsync(Path.Combine(large, "lake"), Path.Combine(large, "target", "bench-catalog.duckdb"), cancellationToken)).ConfigureAwait(false);
        Log.Write($"  500 models: build {build500.Seconds:F2}s (nodes {built.Summary.Elapsed.TotalSeconds:F2}s), catalog refresh {catalog500.Seconds:F2}s");

        // A second build (the steady state: every table and stored view exists), step by step as RunAsync takes them.
        var steady = new JsonObject();
        CompileOutcome? again = null;
        steady["compile"] = Stats.Round((await Timing.TimeAsync(async () => again = await workflow.CompileAsync(lake, largeRequest, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false)).Seconds);
        RunSummary? summary = null;
        var before = DateTimeOffset.UtcNow;
        steady["runner"] = Stats.Round((await Timing.TimeAsync(async () => summary = await new ModelRunner(lake, again!.LakeUri)
            .RunAsync(again.Compiled, again.Selected, new RunOptions { Mode = RunMode.Build }, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false)).Seconds);
        if (!summary!.Succeeded) throw new InvalidOperationException("The second 500-model build failed.");
        // Before the first node starts, the runner exposes the existing tables and stored views.
        steady["runner_before_first_node"] = Stats.Round((summary.Results.Min(r => r.StartedAt) - before).TotalSeconds);
        steady["run_results"] = Stats.Round((await Timing.TimeAsync(() => Task.FromResult(ArtifactWriter.WriteRunResults(again!.Compiled, summary, []))).ConfigureAwait(false)).Seconds);
        steady["catalog_file"] = Stats.Round((await Timing.TimeAsync(() => lake.WriteCatalogFileAsync(again!.LakeUri,
            Path.Combine(again.Compiled.Project.TargetPath, ModelingWorkflow.CatalogFileName), cancellationToken)).ConfigureAwait(false)).Seconds);
        // The same registration the catalog file makes, into an in-memory database: what the file itself costs.
        await using (var memory = new LakeSession())
        {
            steady["register_lake_in_memory"] = Stats.Round((await Timing.TimeAsync(() => memory.RegisterLakeAsync(again!.LakeUri, cancellationToken)).ConfigureAwait(false)).Seconds);
        }
        Log.Write($"  500 models, second build: {steady.ToJsonString()}");

        return new ScenarioResult(samples.Median("models"), samples.Median("baseline"), new JsonObject
        {
            ["best_ratio"] = samples.BestRatio("models", "baseline"),
            ["direct_copy_seconds"] = Stats.Round(samples.Median("direct").Seconds),
            ["overhead_vs_direct_copy_seconds"] = Stats.Round(samples.Median("models").Seconds - samples.Median("direct").Seconds),
            ["execute_seconds"] = Stats.Round(phases.Median("execute").Seconds),
            ["outside_execute_seconds"] = Stats.Round(phases.Median("outside_execute").Seconds),
            ["compile_seconds"] = Stats.Round(phases.Median("compile").Seconds),
            ["catalog_seconds"] = Stats.Round(phases.Median("catalog").Seconds),
            ["compile_500_seconds"] = Stats.Round(compileLarge.Median("warm").Seconds),
            ["compile_500_first_seconds"] = Stats.Round(compileLarge.Median("cold").Seconds),
            ["compile_500_parts"] = new JsonObject
            {
                ["load"] = Stats.Round(parts.Median("load").Seconds),
                ["compile"] = Stats.Round(parts.Median("compile").Seconds),
                ["compiled_files"] = Stats.Round(parts.Median("compiled_files").Seconds),
                ["manifest"] = Stats.Round(parts.Median("manifest").Seconds),
            },
            ["build_500_seconds"] = Stats.Round(build500.Seconds),
            ["build_500_nodes_seconds"] = Stats.Round(built.Summary.Elapsed.TotalSeconds),
            ["catalog_500_seconds"] = Stats.Round(catalog500.Seconds),
            ["rebuild_500_parts"] = steady,
            ["seconds_all"] = samples.All("models"),
            ["baseline_all"] = samples.All("baseline"),
        });
    }
}
