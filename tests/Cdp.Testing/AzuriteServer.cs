using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Xunit;

namespace Cdp.Testing;

/// <summary>
/// A real Azurite Blob server on 127.0.0.1 and a free port, with its data in a temp folder; use it as an xunit
/// fixture. Installs Azurite on first use (see <see cref="AzuriteInstallation"/>). Disposing kills the process
/// tree and deletes the data.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime, IDisposable
{
    /// <summary>Azurite's well-known development account. The key is public, published with the emulator.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int StartAttempts = 3;

    private readonly TempDirectory _data = new("azurite");
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>The Blob endpoint, path-style: http://127.0.0.1:PORT/devstoreaccount1.</summary>
    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString
        => $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    public async Task InitializeAsync()
    {
        var executable = await AzuriteInstallation.EnsureInstalledAsync();
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var (process, output) = Start(executable);
            _process = process;
            var failure = await WaitUntilListeningAsync(process, output);
            if (failure is null) return;
            StopProcess();
            // Another process may take the free port between our probe and Azurite's bind: try another one.
            if (attempt < StartAttempts && failure.Contains("EADDRINUSE", StringComparison.Ordinal)) continue;
            throw new InvalidOperationException($"Azurite did not start on 127.0.0.1:{Port}: {failure}");
        }
    }

    /// <summary>Creates a new, empty container with a unique name and returns a client for it.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(BlobClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var container = new BlobContainerClient(ConnectionString, "t" + Guid.NewGuid().ToString("N"), options ?? new BlobClientOptions());
        await container.CreateAsync(cancellationToken: cancellationToken);
        return container;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopProcess();
        _data.Dispose();
    }

    private (Process, OutputTail) Start(string executable)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _data.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --skipApiVersionCheck: the client may speak a newer service version than this Azurite knows.
        // --loose: ignore headers Azurite does not implement instead of failing the request.
        foreach (var arg in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _data.Path, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"'{executable}' did not start.");
        return (process, OutputTail.Attach(process));
    }

    /// <summary>Null once the port accepts connections, else why not (with Azurite's output).</summary>
    private async Task<string?> WaitUntilListeningAsync(Process process, OutputTail output)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // flushes the output handlers
                return $"it exited with code {process.ExitCode}. Output:\n{output}";
            }
            if (await CanConnectAsync(Port)) return null;
            await Task.Delay(100);
        }
        return $"the port did not accept connections within {StartTimeout.TotalSeconds} s. Output:\n{output}";
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private void StopProcess()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        process.Dispose();
    }
}
