namespace Cdp.Cli.Tests;

/// <summary>
/// The batch driver: <c>dotnet Cdp.Cli.Tests.dll run &lt;script&gt;</c> runs each line of the script (a cdp command
/// line, arguments separated by tabs) through <see cref="CdpApp.RunAsync"/> in one process, stopping at the first
/// failure and returning its exit code. It exists because a .NET process start costs about a CPU-second here: the
/// multi-process tests need hundreds of cdp commands, and starting each as its own process would take minutes.
/// The test host loads this assembly as a library and never calls this entry point.
/// </summary>
public static class Program
{
    public const string RunVerb = "run";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || args[0] != RunVerb)
        {
            await Console.Error.WriteLineAsync("usage: dotnet Cdp.Cli.Tests.dll run <script>");
            return 2;
        }
        foreach (var line in await File.ReadAllLinesAsync(args[1]))
        {
            if (line.Length == 0) continue;
            var code = await CdpApp.RunAsync(line.Split('\t'), Console.Out, Console.Error, CancellationToken.None);
            if (code != 0) return code;
        }
        return 0;
    }
}
