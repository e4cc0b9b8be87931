namespace Cdp.Cli.Tests.Support;

/// <summary>
/// A copy of a project of Projects/ (copied beside the tests) in a temp folder, with its lake beside it: models
/// commands write target/ into the project folder, so each test runs its own copy.
/// </summary>
public sealed class ModelsProject : IDisposable
{
    private readonly TempDir _dir = new();

    public ModelsProject(string name = "jaffle_like")
    {
        Name = name;
        Copy(Path.Combine(AppContext.BaseDirectory, "Projects", name), Dir);
    }

    public string Name { get; }

    /// <summary>The temp folder holding the project folder and the lake.</summary>
    public string Root => _dir.Root;

    /// <summary>The project folder (--project-dir).</summary>
    public string Dir => _dir.Path(Name);

    public string Lake => _dir.Path("lake");

    public string File(string relative) => Path.Combine([Dir, .. relative.Split('/')]);

    public string Read(string relative) => System.IO.File.ReadAllText(File(relative));

    public ModelsProject Write(string relative, string text)
    {
        var full = File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return this;
    }

    /// <summary>Runs <c>cdp models &lt;command&gt; --project-dir &lt;dir&gt; --lake &lt;lake&gt;</c> in process (ls and compile take a lake too).</summary>
    public Task<CliResult> ModelsAsync(string command, params string[] args)
        => CdpCli.RunAsync(["models", command, "--project-dir", Dir, "--lake", Lake, .. args]);

    /// <summary><c>cdp sql &lt;query&gt; --lake &lt;lake&gt; --format json</c>, which must succeed.</summary>
    public async Task<System.Text.Json.Nodes.JsonArray> SqlAsync(string query)
        => (await CdpCli.RunAsync("sql", query, "--lake", Lake, "--format", "json")).Succeeded().JsonArray();

    public void Dispose() => _dir.Dispose();

    private static void Copy(string from, string to)
    {
        Assert.True(Directory.Exists(from), $"{from} is missing: is Projects/ copied to the output?");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }
    }
}
