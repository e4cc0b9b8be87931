using System.Diagnostics;

namespace Cdp.Testing;

/// <summary>Runs a started process to its end with a deadline, collecting both output streams.</summary>
public static class ProcessOutput
{
    /// <summary>
    /// Reads stdout and stderr while waiting for <paramref name="process"/> to exit; past <paramref name="timeout"/>
    /// the process tree is killed and a <see cref="TimeoutException"/> names <paramref name="description"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> WaitAsync(Process process, TimeSpan timeout, string description)
    {
        ArgumentNullException.ThrowIfNull(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{description}' did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
