using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;
using Cdp.Testing;

namespace Cdp.Modeling.Tests.Project;

/// <summary>A project written file by file into a temp folder, then loaded.</summary>
internal sealed class TestProject : IDisposable
{
    private readonly TempDirectory _directory = new("project");

    public string Root => _directory.Path;

    public DiagnosticBag Diagnostics { get; } = new();

    public TestProject Write(string relativePath, string text)
    {
        var full = _directory.Combine(relativePath.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public ModelingProject Load() => ProjectLoader.Load(Root, Diagnostics);

    /// <summary>Every diagnostic's first line (<c>file:line:column: severity: message</c>).</summary>
    public List<string> Messages() => Diagnostics.Items.Select(d => d.ToString().Split('\n')[0]).ToList();

    public void Dispose() => _directory.Dispose();
}
