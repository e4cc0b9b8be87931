using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Testing;

namespace Cdp.Notebooks.Tests.Support;

/// <summary>
/// One small demo lake for the whole run: <c>cdp demo --people 300</c> on a copy of the repository's project
/// (cdp.yml, models/, sql/, seeds/) in a temp folder, and each notebook's headless run against it (CDP_LAKE), run
/// once (two at a time, all started as soon as the lake exists) and shared by the tests that read it.
/// </summary>
public sealed class DemoLake : IAsyncLifetime
{
    public const int People = 300;

    /// <summary>Fewer sweep trials than the notebook's default, to keep the run short; the notebook prints the options it used.</summary>
    public const int ChurnTrials = 4;

    private readonly TempDirectory _dir = new("notebooks");
    private readonly Dictionary<string, Task<NotebookRun>> _runs = [];
    private readonly Lock _lock = new();

    // Two notebook kernels at a time: one per core of the machines the suite runs on.
    private readonly SemaphoreSlim _kernels = new(2, 2);

    public string Lake => _dir.Combine("project", "lake");

    public async Task InitializeAsync()
    {
        var project = _dir.Combine("project");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(RepositoryPaths.Root, "cdp.yml"), Path.Combine(project, "cdp.yml"));
        foreach (var folder in new[] { "models", "sql", "seeds" }) CopyFolder(Path.Combine(RepositoryPaths.Root, folder), Path.Combine(project, folder));
        var demo = await Cdp(["demo", "--project-dir", project, "--people", People.ToString(CultureInfo.InvariantCulture), "--format", "json"], TimeSpan.FromMinutes(5));
        Assert.True(demo.ExitCode == 0, $"cdp demo failed (exit {demo.ExitCode}):\n{demo.Stdout}\n{demo.Stderr}");
        // Start every notebook now, two at a time; the tests then wait for the runs they read.
        foreach (var notebook in NotebookRunner.Notebooks) _ = RunAsync(notebook);
    }

    public async Task DisposeAsync()
    {
        // A run no test waited for (a failed fixture, a filtered run) must end before its folder goes.
        foreach (var run in _runs.Values) await run.ContinueWith(_ => { }, TaskScheduler.Default);
        _kernels.Dispose();
        _dir.Dispose();
    }

    /// <summary>The headless run of a committed notebook against this lake (started once, on first request).</summary>
    public Task<NotebookRun> RunAsync(string notebook)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(notebook, out var run))
            {
                run = RunLimitedAsync(notebook);
                _runs[notebook] = run;
            }
            return run;
        }
    }

    private async Task<NotebookRun> RunLimitedAsync(string notebook)
    {
        await _kernels.WaitAsync();
        try
        {
            return await NotebookRunner.RunAsync(Path.Combine(NotebookRunner.NotebooksFolder, notebook), _dir.Combine("executed"), new Dictionary<string, string>
            {
                ["CDP_LAKE"] = Lake,
                ["CDP_CHURN_TRIALS"] = ChurnTrials.ToString(CultureInfo.InvariantCulture),
                // A decimal-comma culture: the notebooks print numbers the same way whatever the machine's culture.
                ["LC_ALL"] = "fr_FR.UTF-8",
            });
        }
        finally
        {
            _kernels.Release();
        }
    }

    /// <summary>One value computed by <c>cdp sql</c> on the lake: what a notebook should have printed.</summary>
    public async Task<long> CountAsync(string sql)
    {
        var result = await Cdp(["sql", sql, "--lake", Lake, "--format", "json"], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"cdp sql failed (exit {result.ExitCode}):\n{result.Stderr}");
        var row = JsonNode.Parse(result.Stdout)!.AsArray()[0]!.AsObject();
        return (long)row.First().Value!;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Cdp(IReadOnlyList<string> arguments, TimeSpan timeout)
        => NotebookRunner.DotnetAsync([Path.Combine(AppContext.BaseDirectory, "cdp.dll"), .. arguments], AppContext.BaseDirectory,
            new Dictionary<string, string>(), timeout);

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DemoLakeCollection : ICollectionFixture<DemoLake>
{
    public const string Name = "demo lake";
}
