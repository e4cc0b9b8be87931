using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;
using Cdp.Testing;
using Xunit.Abstractions;
using static Cdp.Testing.LargeModelProject;

namespace Cdp.Modeling.Tests.Execution;

/// <summary>
/// A generated project of 500 models (see <see cref="LargeModelProject"/>): it compiles without a diagnostic, builds
/// completely, its models hold the rows computed independently of SQL (through the lake and the catalog file), a
/// second build changes nothing, and compiling it twice gives the same bytes.
/// </summary>
public sealed class LargeProjectTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly ITestOutputHelper _output;

    public LargeProjectTests(ITestOutputHelper output)
    {
        _output = output;
        LargeModelProject.WriteTo(_project.Root);
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Five_hundred_models_build_completely_and_hold_the_expected_rows()
    {
        var clock = Stopwatch.StartNew();
        var outcome = await _project.RunAsync(RunMode.Build);
        _output.WriteLine($"build of {ModelCount} models: {clock.Elapsed.TotalSeconds:F1}s (run {outcome.Summary.Elapsed.TotalSeconds:F1}s)");

        var compiled = outcome.Compile.Compiled;
        Assert.True(compiled.Diagnostics.Count == 0, string.Join("\n", compiled.Diagnostics));
        var summary = outcome.Summary;
        Assert.True(summary.Succeeded, string.Join("\n", summary.Results.Where(r => r.Status is not (NodeStatus.Success or NodeStatus.Pass)).Take(10).Select(r => $"{r.Name}: {r.Status} {r.Message}")));
        Assert.Equal(ModelCount, summary.Results.Count(r => r.Kind == NodeKind.Model && r.Status == NodeStatus.Success));
        Assert.Equal(2, summary.Results.Count(r => r.Kind == NodeKind.Seed && r.Status == NodeStatus.Success));
        Assert.Equal(TestCount, summary.Count(NodeStatus.Pass));
        Assert.Equal(ModelCount + 2 + TestCount, summary.Results.Count);
        Assert.Equal(Orders, summary.Results.Single(r => r.Name == "raw_orders").RowsAffected);

        // Every materialization the generator asked for, as the manifest records it.
        var manifest = JsonNode.Parse(File.ReadAllText(outcome.Compile.ManifestPath))!;
        var models = manifest["nodes"]!.AsObject().Where(n => (string?)n.Value!["resource_type"] == "model").ToList();
        Assert.Equal(ModelCount, models.Count);
        var expectedKinds = Enumerable.Range(0, Layers).SelectMany(l => Enumerable.Range(0, PerLayer).Select(j => Materialized(l, j)))
            .CountBy(m => m).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var manifestKinds = models.Select(m => (string)m.Value!["config"]!["materialized"]!).CountBy(m => m).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expectedKinds, manifestKinds);
        Assert.Equal(["ephemeral", "incremental", "table", "view"], manifestKinds.Select(k => k.Key));
        // Fan-in: a joining model depends on both its parents.
        var (joinLayer, joinJ) = First(l => l >= 2, (l, j) => JoinParent(l, j) is not null);
        var joinDeps = manifest["nodes"]![$"model.{ProjectName}.{Name(joinLayer, joinJ)}"]!["depends_on"]!["nodes"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal([$"model.{ProjectName}.{Name(joinLayer - 1, Parent(joinLayer, joinJ))}", $"model.{ProjectName}.{Name(joinLayer - 2, JoinParent(joinLayer, joinJ)!.Value)}"], joinDeps);

        // Tables are Delta tables: one per table, incremental and seed.
        var deltaTables = Directory.EnumerateDirectories(_project.Lake, "_delta_log", SearchOption.AllDirectories).Count();
        Assert.Equal(expectedKinds.Single(k => k.Key == "table").Value + expectedKinds.Single(k => k.Key == "incremental").Value + 2, deltaTables);

        await AssertSampleRowsAsync(joinLayer, joinJ);
        // The catalog file holds every table and stored view: a plain DuckDB session reads a mart nine views deep.
        using (var client = new DuckDbEngine(outcome.CatalogPath))
        {
            Assert.Equal(MartLines(7), TestProject.Lines(await client.QueryAsync($"SELECT customer_id, country, orders, total FROM gold.{Name(Layers - 1, 7)}")));
            // Tables and seeds are views over their snapshots there, like stored views: every relation but the ephemerals.
            var relations = ModelCount - expectedKinds.Single(k => k.Key == "ephemeral").Value + 2;
            Assert.Equal([(object?)(long)relations], (await client.QueryAsync("SELECT count(*) FROM duckdb_views() WHERE NOT internal")).Rows[0]);
        }

        // A second build reads the 467 stored views and every table back, runs the incrementals incrementally, commits
        // each table once more, and leaves every row as it was.
        clock.Restart();
        var again = await _project.RunAsync(RunMode.Build);
        _output.WriteLine($"second build: {clock.Elapsed.TotalSeconds:F1}s (run {again.Summary.Elapsed.TotalSeconds:F1}s)");
        Assert.True(again.Summary.Succeeded, string.Join("\n", again.Summary.Results.Where(r => NodeStatus.IsFailure(r.Status)).Take(10).Select(r => $"{r.Name}: {r.Message}")));
        var incrementals = again.Summary.Results.Where(r => r.Materialized == "incremental").ToList();
        Assert.Equal(4, incrementals.Count);
        Assert.All(incrementals, r => Assert.DoesNotContain("full build", r.Message, StringComparison.Ordinal));
        Assert.All(incrementals, r => Assert.Equal(0, r.RowsAffected));
        Assert.All(again.Summary.Results.Where(r => r.Materialized is "table" or "seed"), r => Assert.Equal(1, r.Version));
        await AssertSampleRowsAsync(joinLayer, joinJ);
    }

    /// <summary>Reads a sample of models of every kind in a fresh session (tables over their snapshots, stored views) and compares them with the computed rows.</summary>
    private async Task AssertSampleRowsAsync(int joinLayer, int joinJ)
    {
        await using var lake = new LakeSession();
        await lake.RegisterLakeAsync(_project.Lake);
        var samples = new List<(int Layer, int J)>
        {
            (0, 0), (0, 49),
            First(l => l == 3, (l, j) => Materialized(l, j) == "table"),
            First(l => l == 6, (l, j) => Materialized(l, j) == "table"),
            First(l => l == 4, (l, j) => Materialized(l, j) == "incremental"),
            First(l => l == 7, (l, j) => Materialized(l, j) == "incremental"),
            First(l => l > 2, (l, j) => Materialized(l - 1, Parent(l, j)) == "ephemeral"),
            (joinLayer, joinJ),
            First(l => l == Layers - 2, (l, j) => JoinParent(l, j) is not null),
            (Layers - 2, 0), (Layers - 2, 17), (5, 33),
        };
        foreach (var (layer, j) in samples)
        {
            var expected = Rows(layer, j).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}|{r.Value.Customer}|{r.Value.Amount}"))
                .Order(StringComparer.Ordinal).ToList();
            var actual = TestProject.Lines(await lake.Engine.QueryAsync($"SELECT id, customer_id, amount FROM {Schema(layer)}.{Name(layer, j)}"));
            Assert.NotEmpty(expected);
            Assert.True(expected.SequenceEqual(actual), $"{Name(layer, j)} ({Materialized(layer, j)}): expected {expected.Count} rows, got {actual.Count}");
        }
        foreach (var j in new[] { 0, 10, 7, 33 })
        {
            var actual = TestProject.Lines(await lake.Engine.QueryAsync($"SELECT customer_id, country, orders, total FROM gold.{Name(Layers - 1, j)}"));
            Assert.Equal(MartLines(j), actual);
        }
        // An ephemeral model is never a relation.
        var ephemeral = First(_ => true, (l, j) => Materialized(l, j) == "ephemeral");
        Assert.Empty((await lake.Engine.QueryAsync($"SELECT * FROM information_schema.tables WHERE table_name = '{Name(ephemeral.Layer, ephemeral.J)}'")).Rows);
    }

    [Fact]
    public async Task Compiling_twice_gives_identical_compiled_sql_and_manifest_nodes()
    {
        var first = await CompiledStateAsync();
        var second = await CompiledStateAsync();

        Assert.Equal(ModelCount, first.Models);
        Assert.Equal(first.Files.Keys, second.Files.Keys);
        foreach (var (path, bytes) in first.Files) Assert.True(bytes.AsSpan().SequenceEqual(second.Files[path]), $"{path} differs between two compiles");
        Assert.Equal(first.Nodes, second.Nodes);
        Assert.Equal(first.Maps, second.Maps);
        // Every model (ephemerals included) and every test has compiled SQL on disk.
        Assert.Equal(ModelCount + 2 + TestCount, first.Files.Count);
    }

    private async Task<(Dictionary<string, byte[]> Files, string Nodes, string Maps, int Models)> CompiledStateAsync()
    {
        var outcome = await _project.CompileAsync();
        Assert.True(outcome.Compiled.Diagnostics.Count == 0, string.Join("\n", outcome.Compiled.Diagnostics));
        var root = _project.Path("target/compiled");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes, StringComparer.Ordinal);
        var manifest = JsonNode.Parse(File.ReadAllText(outcome.ManifestPath))!;
        var models = manifest["nodes"]!.AsObject().Count(n => (string?)n.Value!["resource_type"] == "model");
        return (files, manifest["nodes"]!.ToJsonString(), manifest["parent_map"]!.ToJsonString() + manifest["child_map"]!.ToJsonString(), models);
    }

    /// <summary>The first model (by layer, then index) in a layer accepted by <paramref name="layers"/> that matches.</summary>
    private static (int Layer, int J) First(Func<int, bool> layers, Func<int, int, bool> match)
        => Enumerable.Range(0, Layers).Where(layers).SelectMany(l => Enumerable.Range(0, PerLayer).Select(j => (l, j))).First(p => match(p.l, p.j));
}
