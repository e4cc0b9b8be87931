namespace Cdp.Testing;

/// <summary>Where the repository and the shared test data are, wherever the tests run from.</summary>
public static class RepositoryPaths
{
    private const string SolutionFile = "Cdp.Lakehouse.sln";
    private const string TestDataVariable = "CDP_TEST_DATA";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding Cdp.Lakehouse.sln, found by walking up from the test binaries.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// The shared test data folder: $CDP_TEST_DATA, else &lt;repo&gt;/../shared/data; null when it does not exist
    /// (tests that need it say so rather than fail on a missing path).
    /// </summary>
    public static string? SharedData
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(TestDataVariable);
            var path = string.IsNullOrWhiteSpace(configured)
                ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"))
                : Path.GetFullPath(configured);
            return Directory.Exists(path) ? path : null;
        }
    }

    /// <summary>Folder for tools the tests install for themselves (ignored by git).</summary>
    public static string Tools => Path.Combine(Root, ".tools");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No {SolutionFile} found above '{AppContext.BaseDirectory}': run the tests from inside the repository.");
    }
}
