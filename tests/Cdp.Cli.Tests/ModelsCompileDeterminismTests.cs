using System.Text.Json.Nodes;
using Cdp.Cli.Tests.Support;
using Cdp.Testing;

namespace Cdp.Cli.Tests;

/// <summary>
/// Two <c>cdp models compile</c> processes (each with its own string hash seed) write byte-identical compiled SQL and
/// manifest nodes for the generated 500-model project.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ModelsCompileDeterminismTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Two_compile_processes_write_the_same_bytes()
    {
        var project = _dir.Path("project");
        LargeModelProject.WriteTo(project);

        var first = await CompileAsync(project, "first");
        var second = await CompileAsync(project, "second");

        Assert.Equal(LargeModelProject.ModelCount, first.Models);
        Assert.Equal(first.Files.Keys, second.Files.Keys);
        foreach (var (path, bytes) in first.Files) Assert.True(bytes.AsSpan().SequenceEqual(second.Files[path]), $"{path} differs between two processes");
        Assert.Equal(first.Manifest, second.Manifest);
    }

    /// <summary>Compiles into a target folder of its own; returns the compiled files and the manifest without its run metadata.</summary>
    private static async Task<(Dictionary<string, byte[]> Files, string Manifest, int Models)> CompileAsync(string project, string name)
    {
        (await CdpProcess.RunCdpAsync(project, "models", "compile", "--project-dir", project, "--format", "json")).Succeeded();
        var target = Path.Combine(project, "target");
        var copy = Path.Combine(project, "target-" + name);
        Directory.Move(target, copy);
        var compiled = Path.Combine(copy, "compiled");
        var files = Directory.EnumerateFiles(compiled, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(compiled, f), File.ReadAllBytes, StringComparer.Ordinal);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "manifest.json")))!.AsObject();
        manifest.Remove("metadata"); // generated_at and invocation_id differ by design
        var models = manifest["nodes"]!.AsObject().Count(n => (string?)n.Value!["resource_type"] == "model");
        return (files, manifest.ToJsonString(), models);
    }
}
