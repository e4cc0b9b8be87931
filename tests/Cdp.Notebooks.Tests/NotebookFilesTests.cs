using System.Text.Json.Nodes;
using Cdp.Notebooks.Tests.Support;

namespace Cdp.Notebooks.Tests;

/// <summary>What is committed in notebooks/: C# notebooks without outputs, each opening with the shared first cell.</summary>
public sealed class NotebookFilesTests
{
    public static TheoryData<string> CommittedNotebooks() => new(NotebookRunner.Notebooks);

    [Fact]
    public void The_data_science_notebooks_are_committed()
        => Assert.Superset(
            new HashSet<string> { "01-profiles-and-identities.ipynb", "02-churn-model.ipynb", "03-audience-sizing.ipynb" },
            NotebookRunner.Notebooks.ToHashSet());

    [Theory]
    [MemberData(nameof(CommittedNotebooks))]
    public void A_committed_notebook_has_no_outputs_or_execution_counts(string notebook)
    {
        var cells = Load(notebook)["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();

        Assert.NotEmpty(cells);
        foreach (var (cell, index) in cells.Select((c, i) => (c, i)))
        {
            if ((string?)cell["cell_type"] != "code") continue;
            Assert.True(cell["outputs"] is JsonArray { Count: 0 }, $"{notebook} cell {index} has outputs: clear them before committing");
            Assert.True(cell["execution_count"] is null, $"{notebook} cell {index} has an execution count: clear outputs before committing");
            Assert.False(cell["metadata"]?.AsObject().Any(m => m.Key.StartsWith("dotnet_repl_", StringComparison.Ordinal)) ?? false,
                $"{notebook} cell {index} carries a headless run's timings: commit the source notebook, not an executed copy");
        }
    }

    [Theory]
    [MemberData(nameof(CommittedNotebooks))]
    public void A_notebook_is_csharp_and_opens_with_the_shared_first_cell(string notebook)
    {
        var json = Load(notebook);

        Assert.Equal(".net-csharp", (string?)json["metadata"]?["kernelspec"]?["name"]);
        var first = json["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!;
        Assert.StartsWith("#load \"cdp.csx\"", Source(first), StringComparison.Ordinal);
    }

    private static JsonObject Load(string notebook)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookRunner.NotebooksFolder, notebook)))!.AsObject();

    private static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        var value => (string?)value ?? "",
    };
}
