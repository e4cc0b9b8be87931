using System.Xml.Linq;

namespace Cdp.Architecture.Tests;

/// <summary>
/// Keeps the dependency direction of architecture.md true: each library references only the projects below it,
/// and each third-party package stays inside the one project that needs it.
/// </summary>
public class DependencyRulesTests
{
    /// <summary>Allowed project references and packages for every shipped project.</summary>
    private static readonly Dictionary<string, (string[] Projects, string[] PackagePrefixes)> Rules = new()
    {
        ["Cdp.Storage"] = ([], []),
        ["Cdp.Storage.Azure"] = (["Cdp.Storage"], ["Azure."]),
        ["Cdp.Delta"] = (["Cdp.Storage"], []),
        ["Cdp.Engine"] = (["Cdp.Delta"], ["DuckDB.NET.", "Dapper"]),
        ["Cdp.Lake"] = (["Cdp.Storage.Azure", "Cdp.Engine"], []),
        ["Cdp.Modeling"] = (["Cdp.Lake"], ["YamlDotNet"]),
        ["Cdp.Identity"] = (["Cdp.Engine"], ["libphonenumber-csharp"]),
        ["Cdp.DemoBrand"] = ([], []),
        ["Cdp.Ingestion"] = (["Cdp.Lake"], ["Npgsql"]),
        ["Cdp.Ml"] = (["Cdp.Engine"], ["Microsoft.ML"]),
        ["Cdp.Audiences"] = (["Cdp.Engine"], []),
        ["Cdp.Activation"] = (["Cdp.Engine", "Cdp.Audiences"], ["Polly."]),
        ["Cdp.Activation.Sandbox"] = ([], []),
        ["Cdp.Cli"] = (["Cdp.Lake", "Cdp.Modeling", "Cdp.DemoBrand", "Cdp.Identity", "Cdp.Ingestion", "Cdp.Ml", "Cdp.Audiences", "Cdp.Activation", "Cdp.Activation.Sandbox"], ["Spectre.Console"]),
    };

    public static TheoryData<string> Projects() => new(Rules.Keys);

    [Theory]
    [MemberData(nameof(Projects))]
    public void ProjectReferencesFollowTheLayering(string project)
    {
        var (allowedProjects, allowedPackages) = Rules[project];
        var csproj = XDocument.Load(FindProject(project));
        var references = csproj.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        var packages = csproj.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToList();

        Assert.All(references, r => Assert.True(allowedProjects.Contains(r), $"{project} must not reference {r}; allowed: [{string.Join(", ", allowedProjects)}]"));
        Assert.All(packages, p => Assert.True(allowedPackages.Any(prefix => p.StartsWith(prefix, StringComparison.Ordinal)),
            $"{project} must not reference package {p}; third-party packages stay in the one project that needs them"));
    }

    [Fact]
    public void EveryShippedProjectHasARule()
    {
        var root = RepositoryRoot();
        var shipped = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "jobs"), "*.csproj", SearchOption.AllDirectories))
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();
        Assert.NotEmpty(shipped);
        Assert.All(shipped, p => Assert.True(Rules.ContainsKey(p!), $"{p} has no dependency rule in {nameof(DependencyRulesTests)}"));
    }

    [Fact]
    public void PackageVersionsAreCentral()
    {
        foreach (var csproj in Directory.EnumerateFiles(RepositoryRoot(), "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains("/.tools/", StringComparison.Ordinal)))
        {
            var versioned = XDocument.Load(csproj).Descendants("PackageReference").Where(e => e.Attribute("Version") is not null).ToList();
            Assert.True(versioned.Count == 0, $"{csproj} pins a package version; versions belong in Directory.Packages.props");
        }
    }

    private static string FindProject(string name)
    {
        var root = RepositoryRoot();
        return Directory.EnumerateFiles(root, name + ".csproj", SearchOption.AllDirectories).Single(p => !p.Contains("/tests/", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cdp.Lakehouse.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (Cdp.Lakehouse.sln) above " + AppContext.BaseDirectory);
    }
}
