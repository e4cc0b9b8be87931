using Cdp.Notebooks.Tests.Support;
using Cdp.Testing;

namespace Cdp.Notebooks.Tests;

/// <summary>A headless run fails (non-zero exit) when any cell fails, so a broken notebook fails the suite.</summary>
public sealed class NotebookFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new("notebook-failures");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_throwing_cell_fails_the_run_and_its_exception_is_in_the_outputs()
    {
        var notebook = TempNotebook.Write(_dir.Combine("throws.ipynb"),
            "Console.WriteLine(\"first cell ran\");",
            "throw new InvalidOperationException(\"planted failure\");");

        var run = await NotebookRunner.RunAsync(notebook, _dir.Combine("out"), new Dictionary<string, string>());

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains("first cell ran", run.Console, StringComparison.Ordinal);
        Assert.Contains(run.Errors, e => e.Contains("InvalidOperationException: planted failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cell_that_does_not_compile_fails_the_run()
    {
        var notebook = TempNotebook.Write(_dir.Combine("compile.ipynb"), "int answer = \"forty-two\";");

        var run = await NotebookRunner.RunAsync(notebook, _dir.Combine("out"), new Dictionary<string, string>());

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains(run.Errors, e => e.Contains("CS0029", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lake_without_tables_fails_the_shared_first_cell_saying_how_to_build_one()
    {
        var empty = _dir.Combine("empty-lake");
        Directory.CreateDirectory(empty);
        var notebook = TempNotebook.Write(_dir.Combine("no-lake.ipynb"), "#load \"cdp.csx\"");

        var run = await NotebookRunner.RunAsync(notebook, _dir.Combine("out"), new Dictionary<string, string> { ["CDP_LAKE"] = empty });

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains(run.Errors, e => e.Contains($"No Delta tables under '{empty}'", StringComparison.Ordinal)
            && e.Contains("jobs/Cdp.Cli -- demo", StringComparison.Ordinal));
    }
}
