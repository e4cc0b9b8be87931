using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Cdp.Testing;

namespace Cdp.Notebooks.Tests.Support;

/// <summary>
/// Runs a notebook headlessly the way notebooks/README.md says: <c>dotnet tool run dotnet-repl --run &lt;notebook&gt;
/// --exit-after-run --output-path &lt;executed.ipynb&gt;</c>, started in the notebooks folder, where the shared first
/// cell (<c>#load "cdp.csx"</c>) is found. dotnet-repl runs every cell (also after a failure) and exits 2 when any
/// cell failed.
/// </summary>
public static class NotebookRunner
{
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static bool _ready;

    public static string NotebooksFolder => Path.Combine(RepositoryPaths.Root, "notebooks");

    /// <summary>The notebooks committed in notebooks/, by file name.</summary>
    public static IReadOnlyList<string> Notebooks
        => Directory.EnumerateFiles(NotebooksFolder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>The folder the notebooks load the libraries from (the Release build of notebooks/Cdp.Notebooks).</summary>
    public static string LibraryFolder => Path.Combine(NotebooksFolder, "Cdp.Notebooks", "bin", "Release", "net10.0");

    public static async Task<NotebookRun> RunAsync(string notebookPath, string outputFolder, IReadOnlyDictionary<string, string> environment,
        TimeSpan? timeout = null)
    {
        await EnsureReadyAsync();
        Directory.CreateDirectory(outputFolder);
        var executed = Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(notebookPath) + ".executed.ipynb");
        var result = await DotnetAsync(["tool", "run", "dotnet-repl", "--run", Path.GetFullPath(notebookPath), "--exit-after-run", "--output-path", executed],
            NotebooksFolder, environment, timeout ?? TimeSpan.FromMinutes(5));
        var json = File.Exists(executed) ? JsonNode.Parse(await File.ReadAllTextAsync(executed))?.AsObject() : null;
        return new NotebookRun(Path.GetFileName(notebookPath), result.ExitCode, result.Stdout, result.Stderr, json);
    }

    /// <summary>
    /// Restores the repository's tools (dotnet-repl, from .config/dotnet-tools.json) and makes sure the Release build
    /// of the notebook libraries exists: a Release test run built it through the project reference; any other
    /// configuration builds it here.
    /// </summary>
    private static async Task EnsureReadyAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (_ready) return;
            var restore = await DotnetAsync(["tool", "restore"], RepositoryPaths.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(restore.ExitCode == 0, $"'dotnet tool restore' failed (exit {restore.ExitCode}):\n{restore.Stdout}\n{restore.Stderr}");
            var configuration = typeof(NotebookRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
            if (configuration != "Release")
            {
                var build = await DotnetAsync(["build", Path.Combine(NotebooksFolder, "Cdp.Notebooks", "Cdp.Notebooks.csproj"), "-c", "Release", "-nologo", "--verbosity", "quiet"],
                    RepositoryPaths.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
                Assert.True(build.ExitCode == 0, $"building the notebook libraries in Release failed (exit {build.ExitCode}):\n{build.Stdout}\n{build.Stderr}");
            }
            Assert.True(File.Exists(Path.Combine(LibraryFolder, "Cdp.Notebooks.dll")), $"no Cdp.Notebooks.dll in {LibraryFolder}");
            _ready = true;
        }
        finally
        {
            Setup.Release();
        }
    }

    /// <summary>The dotnet host running this test (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static async Task<(int ExitCode, string Stdout, string Stderr)> DotnetAsync(IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry, banners or first-run messages: the machines running the suite have no network but the package registry.
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.StandardInput.Close();
        return await Cdp.Testing.ProcessOutput.WaitAsync(process, timeout, "dotnet " + string.Join(' ', arguments));
    }
}
