using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Compilation;

/// <summary>
/// target/compiled mirrors the last compile: files of removed nodes and their emptied folders go, changed files are
/// rewritten, and files whose SQL did not change are left untouched.
/// </summary>
public sealed class CompiledArtifactsTests : IDisposable
{
    private static readonly DateTime LongAgo = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private string Compiled(string relative) => _project.Path("target/compiled/shop/" + relative);

    [Fact]
    public async Task A_recompile_removes_stale_files_rewrites_changed_ones_and_keeps_the_rest()
    {
        _project.Write("models/kept.sql", "select 1 as id")
            .Write("models/changed.sql", "select 1 as id")
            .Write("models/old/removed.sql", "select 2 as id")
            .Write("models/schema.yml", "version: 2\nmodels:\n  - name: kept\n    columns:\n      - name: id\n        tests: [not_null]\n");
        await _project.CompileAsync();
        Assert.True(File.Exists(Compiled("models/old/removed.sql")));
        var test = Assert.Single(Directory.GetFiles(Compiled("models/schema.yml")));
        foreach (var file in new[] { Compiled("models/kept.sql"), Compiled("models/changed.sql"), test }) File.SetLastWriteTimeUtc(file, LongAgo);
        _project.Write("target/compiled/shop/models/stray/left_by_hand.sql", "select 3");

        File.Delete(_project.Path("models/old/removed.sql"));
        _project.Write("models/changed.sql", "select 42 as id").Write("models/added.sql", "select 5 as id");
        var outcome = await _project.CompileAsync();

        Assert.False(File.Exists(Compiled("models/old/removed.sql")));
        Assert.False(Directory.Exists(Compiled("models/old")));
        Assert.False(Directory.Exists(Compiled("models/stray")));
        Assert.Equal("select 42 as id\n", File.ReadAllText(Compiled("models/changed.sql")));
        Assert.NotEqual(LongAgo, File.GetLastWriteTimeUtc(Compiled("models/changed.sql")));
        Assert.Equal("select 5 as id\n", File.ReadAllText(Compiled("models/added.sql")));
        Assert.Equal("select 1 as id\n", File.ReadAllText(Compiled("models/kept.sql")));
        Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(Compiled("models/kept.sql")));
        Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(test));
        Assert.Equal(4, Directory.GetFiles(Compiled(""), "*", SearchOption.AllDirectories).Length);
        // Every node still knows where its compiled SQL is, written or not.
        Assert.All(outcome.Compiled.Graph.Nodes, n => Assert.True(File.Exists(_project.Path(n.CompiledPath!)), n.UniqueId));
    }
}
