using Cdp.Ml.Registry;

namespace Cdp.Ml.Tests.Registry;

public sealed class ConcurrentRegistrationTests : IDisposable
{
    private readonly RegistryLake _lake = new();

    [Fact]
    public async Task Parallel_registrations_from_separate_engines_get_versions_one_to_n_with_nothing_lost_or_duplicated()
    {
        // Eight registrations of one model and four of another start together, each with its own engine and table
        // instance (as separate processes would), on a table that does not exist yet: they also race to create it.
        var jobs = Enumerable.Range(1, 8).Select(i => ("churn", $"churn-{i}", i))
            .Concat(Enumerable.Range(1, 4).Select(i => ("value", $"value-{i}", 100 + i)))
            .ToList();
        using var start = new ManualResetEventSlim();
        var tasks = jobs.Select(job => Task.Run(async () =>
        {
            var registry = _lake.Registry(_lake.NewEngine());
            start.Wait();
            return await registry.RegisterAsync(ModelRegistryTests.Description(job.Item1, job.Item2), ModelRegistryTests.Bytes(job.Item3));
        })).ToList();
        start.Set();
        var registered = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), registered.Where(r => r.ModelName == "churn").Select(r => r.Version).Order());
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long)i), registered.Where(r => r.ModelName == "value").Select(r => r.Version).Order());

        // What was read back agrees with what each registration was told, and each version holds its own bytes.
        var registry = _lake.Registry();
        var listed = await registry.ListAsync();
        Assert.Equal(12, listed.Count);
        Assert.Equal(
            registered.Select(r => $"{r.ModelName} {r.Version} {r.Description.RunId} {r.ArtifactSha256}").Order(StringComparer.Ordinal),
            listed.Select(r => $"{r.ModelName} {r.Version} {r.Description.RunId} {r.ArtifactSha256}").Order(StringComparer.Ordinal));
        foreach (var (model, runId, seed) in jobs)
        {
            var version = registered.Single(r => r.Description.RunId == runId).Version;
            Assert.Equal(ModelRegistryTests.Bytes(seed), await registry.ArtifactAsync(model, version));
        }

        // One commit per registration: a registration that lost its version wrote nothing.
        var snapshot = await _lake.Table.GetSnapshotAsync();
        Assert.Equal(11, snapshot.Version);
        Assert.Equal(12, snapshot.Files.Count);
        Assert.Equal((8L, 4L), (snapshot.AppTransactionVersion("ml_models/churn"), snapshot.AppTransactionVersion("ml_models/value")));

        // The sequence continues after the race (and across the checkpoint written at version 10).
        Assert.Equal(9, (await _lake.Registry(_lake.NewEngine()).RegisterAsync(ModelRegistryTests.Description(), ModelRegistryTests.Bytes(99))).Version);
    }

    [Fact]
    public async Task A_run_registers_one_version_of_a_model_however_often_it_is_retried_even_at_once()
    {
        // A scheduler retries a run that was killed after it registered, and two retries happen to start together.
        using var start = new ManualResetEventSlim();
        var retries = Enumerable.Range(1, 4).Select(i => Task.Run(async () =>
        {
            var registry = _lake.Registry(_lake.NewEngine());
            start.Wait();
            return await registry.RegisterAsync(ModelRegistryTests.Description("churn", "nightly-2025-03-14"), ModelRegistryTests.Bytes(i));
        })).ToList();
        start.Set();
        var registered = await Task.WhenAll(retries);
        Assert.All(registered, r => Assert.Equal((1L, "nightly-2025-03-14"), (r.Version, r.Description.RunId)));
        Assert.Single(registered.Select(r => r.ArtifactSha256).Distinct());

        var registry = _lake.Registry();
        var again = await registry.RegisterAsync(ModelRegistryTests.Description("churn", "nightly-2025-03-14"), ModelRegistryTests.Bytes(9));
        Assert.Equal((1L, registered[0].ArtifactSha256), (again.Version, again.ArtifactSha256));
        Assert.Equal(1L, (await registry.FindRunAsync("churn", "nightly-2025-03-14"))!.Version);
        Assert.Null(await registry.FindRunAsync("churn", "nightly-2025-03-15"));

        // Another run is the next version; the same run id for another model is that model's own registration.
        Assert.Equal(2, (await registry.RegisterAsync(ModelRegistryTests.Description("churn", "nightly-2025-03-15"), ModelRegistryTests.Bytes(10))).Version);
        Assert.Equal(1, (await registry.RegisterAsync(ModelRegistryTests.Description("value", "nightly-2025-03-14"), ModelRegistryTests.Bytes(11))).Version);
        Assert.Equal(["churn 1", "churn 2", "value 1"], (await registry.ListAsync()).Select(r => $"{r.ModelName} {r.Version}"));
        Assert.Equal(3, (await _lake.Table.GetSnapshotAsync()).Files.Count);
    }

    public void Dispose() => _lake.Dispose();
}
