namespace Cdp.Cli.Commands;

/// <summary>A <c>--lake</c> given on the command line: a path there is relative to the current folder, as for every cdp command.</summary>
public static class LakeArgument
{
    /// <summary>The absolute path (or the URI as given), or null when no lake was given.</summary>
    public static string? Resolve(string? lake)
        => lake is null || lake.Contains("://", StringComparison.Ordinal) ? lake : Path.GetFullPath(lake);
}
