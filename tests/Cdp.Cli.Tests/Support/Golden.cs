using System.Runtime.CompilerServices;

namespace Cdp.Cli.Tests.Support;

/// <summary>
/// Compares text with a golden file of Golden/ (copied beside the tests). With CDP_UPDATE_GOLDEN=1 the golden file
/// in the source tree is rewritten instead: <c>CDP_UPDATE_GOLDEN=1 dotnet test tests/Cdp.Cli.Tests --filter Golden</c>,
/// then review the diff.
/// </summary>
public static class Golden
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var text = Normalize(actual);
        if (Environment.GetEnvironmentVariable("CDP_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(ProjectFolder(callerFile), "Golden", name);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, text);
            return;
        }
        var golden = Path.Combine(AppContext.BaseDirectory, "Golden", name);
        Assert.True(File.Exists(golden), $"Golden file Golden/{name} is missing; create it with CDP_UPDATE_GOLDEN=1.");
        Assert.Equal(Normalize(File.ReadAllText(golden)), text);
    }

    // Spectre pads table cells with spaces to the console width; editors strip them, so they are not significant.
    private static string Normalize(string text)
        => string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n') + "\n";

    private static string ProjectFolder(string callerFile)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(callerFile)!); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("*.csproj").Length > 0) return dir.FullName;
        }
        throw new InvalidOperationException($"No project folder above {callerFile}.");
    }
}
