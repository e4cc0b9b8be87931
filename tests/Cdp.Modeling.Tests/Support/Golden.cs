namespace Cdp.Modeling.Tests.Support;

/// <summary>Expected outputs under Golden/ (copied beside the tests); <c>CDP_UPDATE_GOLDEN=1</c> rewrites them in the source tree.</summary>
public static class Golden
{
    public static void AssertMatches(string relativePath, string actual)
    {
        if (Environment.GetEnvironmentVariable("CDP_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(Cdp.Testing.RepositoryPaths.Root, "tests", "Cdp.Modeling.Tests", "Golden", relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual);
            return;
        }
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", relativePath));
        Assert.Equal(expected, actual);
    }
}
