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

    public void Dispose() => _lake.Dispose();
}
