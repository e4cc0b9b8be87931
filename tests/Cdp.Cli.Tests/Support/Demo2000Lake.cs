using System.Text.Json.Nodes;

namespace Cdp.Cli.Tests.Support;

/// <summary>
/// <c>cdp demo --people 2000</c> run once for every test of the <see cref="Demo2000Collection"/>: the size where the
/// identity and ML figures are stable. Tests that change the lake (new model versions, rescoring) must leave it
/// usable for the others.
/// </summary>
public sealed class Demo2000Lake : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string Project { get; private set; } = "";

    public string Lake => Path.Combine(Project, "lake");

    /// <summary>The demo's JSON output.</summary>
    public JsonNode Demo { get; private set; } = new JsonObject();

    public async Task InitializeAsync()
    {
        Project = DemoProject.CopyTo(_dir.Path("project-2000"));
        Demo = (await CdpCli.RunAsync("demo", "--project-dir", Project, "--people", "2000", "--format", "json")).Succeeded().Json();
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary><c>cdp sql</c> over the lake, which must succeed.</summary>
    public async Task<JsonArray> SqlAsync(string query)
        => (await CdpCli.RunAsync("sql", query, "--lake", Lake, "--format", "json")).Succeeded().JsonArray();
}

[CollectionDefinition(Name)]
public sealed class Demo2000Collection : ICollectionFixture<Demo2000Lake>
{
    public const string Name = "demo-2000";
}
