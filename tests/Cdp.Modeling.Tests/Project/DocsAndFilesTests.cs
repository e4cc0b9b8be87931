using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Tests.Project;

public sealed class DocsAndFilesTests
{
    [Fact]
    public void DocsBlocksFromModelAndDocsPaths()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\ndocs-paths: [docs]\n")
            .Write("models/docs.md", "# Orders\n\n{% docs orders %}\n  One row per order.\n\n  Placed online.\n{% enddocs %}\n\n{%- docs status -%} The status. {%- enddocs -%}\n")
            .Write("docs/more.md", "intro\n  {%   docs   customers   %}Customers{% enddocs %}")
            .Write("elsewhere/hidden.md", "{% docs hidden %}x{% enddocs %}");
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Equal(["customers", "orders", "status"], project.Docs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("One row per order.\n\n  Placed online.", project.Docs["orders"].Text);
        Assert.Equal(new SourceLocation("models/docs.md", 3, 1), project.Docs["orders"].Location);
        Assert.Equal("The status.", project.Docs["status"].Text);
        Assert.Equal(new SourceLocation("docs/more.md", 2, 3), project.Docs["customers"].Location);
    }

    [Fact]
    public void ResourceFilesAreSortedRelativeAndSkipDotNames()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\nmodel-paths: [models, more/models]\n")
            .Write("models/staging/b.sql", "select 'b'")
            .Write("models/staging/a.sql", "select 'a'")
            .Write("models/c.sql", "select 'c'")
            .Write("models/.hidden.sql", "select 0")
            .Write("models/.cache/d.sql", "select 0")
            .Write("models/notes.txt", "not sql")
            .Write("more/models/e.sql", "select 'e'");
        var project = p.Load();

        Assert.Equal(["models/c.sql", "models/staging/a.sql", "models/staging/b.sql", "more/models/e.sql"], project.Models.Select(m => m.Path));
        Assert.Equal(["c.sql", "staging/a.sql", "staging/b.sql", "e.sql"], project.Models.Select(m => m.FolderPath));
        Assert.Equal(["c", "a", "b", "e"], project.Models.Select(m => m.Name));
        Assert.Equal("select 'a'", project.Models[1].Text);
    }
}
