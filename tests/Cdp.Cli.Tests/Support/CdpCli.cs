namespace Cdp.Cli.Tests.Support;

/// <summary>Runs <c>cdp</c> in this process through <see cref="CdpApp.RunAsync"/>: the fast way to test commands.</summary>
public static class CdpCli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CdpApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
