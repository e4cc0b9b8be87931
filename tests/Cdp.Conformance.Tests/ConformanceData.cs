namespace Cdp.Conformance.Tests;

/// <summary>
/// Where the public conformance data lives: the folder named by CDP_TEST_DATA, else <c>../shared/data</c> beside the
/// repository root (the folder holding Cdp.Lakehouse.sln). Tests read the data in place and never copy it.
/// </summary>
public static class ConformanceData
{
    public const string EnvironmentVariable = "CDP_TEST_DATA";

    private static readonly Lazy<(string? Root, string LookedFor)> Located = new(Locate);

    /// <summary>The data folder, or null when it does not exist here (tests are then skipped).</summary>
    public static string? Root => Located.Value.Root;

    /// <summary>One line naming the folder that was looked for, used as the skip reason.</summary>
    public static string SkipReason
        => $"Conformance data not found: looked for '{Located.Value.LookedFor}' (set {EnvironmentVariable} to the shared data folder).";

    public static string DeltaFolder(string suite) => Path.Combine(Root ?? throw new InvalidOperationException(SkipReason), "delta", suite);

    private static (string?, string) Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var full = Path.GetFullPath(fromEnvironment);
            return (Directory.Exists(full) ? full : null, full);
        }
        var repositoryRoot = FindRepositoryRoot(AppContext.BaseDirectory);
        if (repositoryRoot is null) return (null, $"../shared/data beside the folder holding Cdp.Lakehouse.sln above {AppContext.BaseDirectory}");
        var candidate = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "data"));
        return (Directory.Exists(candidate) ? candidate : null, candidate);
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cdp.Lakehouse.sln"))) return dir.FullName;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with one line naming the folder looked for, when the conformance data is absent.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceData.Root is null) Skip = ConformanceData.SkipReason;
    }
}

/// <summary>A theory that is skipped (as one test, without enumerating its data) when the conformance data is absent.</summary>
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute()
    {
        if (ConformanceData.Root is null) Skip = ConformanceData.SkipReason;
    }
}
