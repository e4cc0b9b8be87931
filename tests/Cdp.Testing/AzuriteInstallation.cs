using System.ComponentModel;
using System.Diagnostics;

namespace Cdp.Testing;

/// <summary>
/// Installs the Azurite npm package into &lt;repo&gt;/.tools/azurite once per machine, so a fresh clone needs only
/// Node.js and npm. Test projects run in parallel processes, so the install happens under a file lock.
/// </summary>
internal static class AzuriteInstallation
{
    public const string Version = "3.37.0";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private static string Folder => Path.Combine(RepositoryPaths.Tools, "azurite");

    // Written after npm succeeds: a bin link alone may be left by an interrupted install.
    private static string Marker => Path.Combine(Folder, $".installed-{Version}");

    private static string Executable
        => Path.Combine(Folder, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob");

    /// <summary>The path of the azurite-blob launcher, installing the package first when needed.</summary>
    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        if (IsInstalled()) return Executable;
        Directory.CreateDirectory(RepositoryPaths.Tools);
        await using (await AcquireLockAsync(Path.Combine(RepositoryPaths.Tools, "azurite.lock"), cancellationToken))
        {
            if (IsInstalled()) return Executable; // another test process installed it while we waited
            await RunNpmInstallAsync(cancellationToken);
            if (!File.Exists(Executable))
                throw new InvalidOperationException($"npm installed azurite@{Version} but '{Executable}' does not exist.");
            await File.WriteAllTextAsync(Marker, DateTimeOffset.UtcNow.ToString("O"), cancellationToken);
            return Executable;
        }
    }

    private static bool IsInstalled() => File.Exists(Executable) && File.Exists(Marker);

    private static async Task RunNpmInstallAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "install", "--prefix", Folder, $"azurite@{Version}", "--no-audit", "--no-fund" })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "The Azure Blob tests run against Azurite, which needs Node.js and npm on PATH (Debian: apt-get install nodejs npm).", e);
        }
        using (process)
        {
            var output = OutputTail.Attach(process);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(InstallTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm install azurite@{Version} did not finish within {InstallTimeout.TotalMinutes} minutes:\n{output}");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"npm install azurite@{Version} failed with exit code {process.ExitCode}:\n{output}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock between processes (flock on Unix).
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }
}
