using System.Diagnostics;
using System.Reflection;

namespace Cdp.Cli.Tests.Support;

/// <summary>
/// Runs the built <c>cdp</c> as a real process (<c>dotnet cdp.dll ...</c>), and the batch driver of this assembly
/// (<c>dotnet Cdp.Cli.Tests.dll run &lt;script&gt;</c>, see <see cref="Program"/>).
/// </summary>
public static class CdpProcess
{
    private static readonly Lazy<string> Dll = new(LocateCdp);

    /// <summary>cdp.dll with its runtimeconfig: beside the tests (the project reference copies it) or in jobs/Cdp.Cli/bin.</summary>
    public static string CdpDll => Dll.Value;

    public static string DriverDll => typeof(CdpProcess).Assembly.Location;

    /// <summary>The dotnet host running this test (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<CliResult> RunCdpAsync(string workingDirectory, params string[] args)
        => RunAsync([CdpDll, .. args], workingDirectory, TimeSpan.FromMinutes(10));

    /// <summary>Starts the driver on a script (one cdp command per line, arguments separated by tabs).</summary>
    /// <remarks>Its output is read and dropped, so a full pipe never blocks it.</remarks>
    public static Process StartDriver(string scriptPath, string workingDirectory)
    {
        var process = Start([DriverDll, Program.RunVerb, scriptPath], workingDirectory);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<CliResult> RunDriverAsync(string scriptPath, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
        => await RunAsync([DriverDll, Program.RunVerb, scriptPath], workingDirectory, timeout, environment);

    /// <summary>Writes a driver script: one line per command.</summary>
    public static string WriteScript(string path, IEnumerable<string[]> commands)
    {
        File.WriteAllLines(path, commands.Select(c => string.Join('\t', c)));
        return path;
    }

    public static async Task<CliResult> RunAsync(IReadOnlyList<string> dotnetArgs, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(dotnetArgs, workingDirectory, environment);
        var (exitCode, stdout, stderr) = await Cdp.Testing.ProcessOutput.WaitAsync(process, timeout, "dotnet " + string.Join(' ', dotnetArgs));
        return new CliResult(exitCode, stdout, stderr);
    }

    public static Process Start(IReadOnlyList<string> dotnetArgs, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in dotnetArgs) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
    }

    private static string LocateCdp()
    {
        var besideTests = Path.Combine(AppContext.BaseDirectory, "cdp.dll");
        if (IsRunnable(besideTests)) return besideTests;
        var configuration = typeof(CdpProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "jobs", "Cdp.Cli", "bin", configuration, "net10.0", "cdp.dll");
            if (IsRunnable(candidate)) return candidate;
        }
        throw new FileNotFoundException($"cdp.dll with cdp.runtimeconfig.json was found neither in {AppContext.BaseDirectory} nor in jobs/Cdp.Cli/bin/{configuration}/net10.0; build jobs/Cdp.Cli first.");
    }

    private static bool IsRunnable(string dll) => File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"));
}
