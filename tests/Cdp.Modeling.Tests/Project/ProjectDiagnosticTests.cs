using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;
using Cdp.Testing;

namespace Cdp.Modeling.Tests.Project;

/// <summary>One test per kind of problem, asserting the exact <c>file:line:column: severity: message</c> text.</summary>
public sealed class ProjectDiagnosticTests
{
    private static TestProject Project() => new TestProject().Write("cdp.yml", "name: x\n");

    [Fact]
    public void MissingProjectFileThrows()
    {
        using var dir = new TempDirectory("project");
        var e = Assert.Throws<ModelingException>(() => ProjectLoader.Load(dir.Path, new DiagnosticBag()));
        Assert.Equal($"no project file in '{dir.Path}': expected cdp.yml or dbt_project.yml", e.Message);
    }

    [Fact]
    public void YamlSyntaxErrorWithSourceLineAndCaret()
    {
        using var p = Project().Write("models/schema.yml", "models:\n  - name: a\n description: x\n");
        p.Load();
        var d = Assert.Single(p.Diagnostics.Items);
        Assert.Equal("models/schema.yml:3:2: error: invalid YAML: while parsing a block mapping, did not find expected key\n"
            + "  |\n3 |  description: x\n  |  ^", d.ToString());
    }

    [Fact]
    public void TabIndentation()
    {
        using var p = Project().Write("models/schema.yml", "models:\n  - name: a\n\tdescription: x\n");
        p.Load();
        Assert.Equal(["models/schema.yml:3:1: error: tab character in indentation (YAML indents with spaces)"], p.Messages());
    }

    [Fact]
    public void UnclosedFlowList()
    {
        using var p = Project().Write("models/schema.yml", "models:\n  - name: a\n    tests: [unique, not_null\n");
        p.Load();
        Assert.Equal(["models/schema.yml:3:12: error: '[' is not closed"], p.Messages());
    }

    [Fact]
    public void UnclosedFlowMappingFollowedByMoreKeys()
    {
        using var p = Project().Write("models/schema.yml", "models:\n  - name: a\n    config: {materialized: view\n    description: x\n");
        p.Load();
        Assert.Equal(["models/schema.yml:3:13: error: '{' is not closed"], p.Messages());
    }

    [Fact]
    public void DuplicateKeyIsReportedAndTheRestOfTheFileRead()
    {
        using var p = Project().Write("models/a.sql", "select 1").Write("models/schema.yml", "models:\n  - name: a\n    description: one\n    description: two\n");
        var project = p.Load();
        Assert.Equal(["models/schema.yml:4:5: error: duplicate key 'description' (first at line 3)"], p.Messages());
        Assert.Equal("one", project.ModelProperties["a"].Description);
    }

    [Fact]
    public void WrongTypes()
    {
        using var p = Project().Write("models/a.sql", "select 1").Write("models/schema.yml", """
            models:
              - name: a
                columns: {id: {}}
                tests: unique
            sources: raw
            """).Write("models/other.yml", "models: a\n");
        p.Load();
        Assert.Equal([
            "models/other.yml:1:9: error: 'models' must be a list, not a string",
            "models/schema.yml:3:14: error: 'columns' must be a list, not a mapping",
            "models/schema.yml:4:12: error: 'tests' must be a list, not a string",
            "models/schema.yml:5:10: error: 'sources' must be a list, not a string",
        ], p.Messages());
    }

    [Fact]
    public void DuplicateModelName()
    {
        using var p = Project().Write("models/a/orders.sql", "select 1").Write("models/b/orders.sql", "select 2");
        p.Load();
        Assert.Equal([
            "models/a/orders.sql:1:1: error: duplicate model name 'orders': models/a/orders.sql and models/b/orders.sql",
            "models/b/orders.sql:1:1: error: duplicate model name 'orders': models/a/orders.sql and models/b/orders.sql",
        ], p.Messages());
    }

    [Fact]
    public void ModelAndSeedSharingAName()
    {
        using var p = Project().Write("models/orders.sql", "select 1").Write("seeds/orders.csv", "id\n1\n")
            .Write("seeds/x/countries.csv", "c\n").Write("seeds/y/countries.csv", "c\n");
        p.Load();
        Assert.Equal([
            "seeds/x/countries.csv:1:1: error: duplicate seed name 'countries': seeds/x/countries.csv and seeds/y/countries.csv",
            "seeds/y/countries.csv:1:1: error: duplicate seed name 'countries': seeds/x/countries.csv and seeds/y/countries.csv",
            "models/orders.sql:1:1: error: duplicate model and seed name 'orders': models/orders.sql and seeds/orders.csv",
            "seeds/orders.csv:1:1: error: duplicate model and seed name 'orders': models/orders.sql and seeds/orders.csv",
        ], p.Messages().Order(StringComparer.Ordinal).OrderBy(m => m.Contains("model and", StringComparison.Ordinal)));
    }

    [Fact]
    public void DuplicateDocsBlock()
    {
        using var p = Project().Write("models/a.md", "{% docs orders %}A{% enddocs %}\n")
            .Write("models/b.md", "\n\n  {% docs orders %}B{% enddocs %}\n");
        var project = p.Load();
        Assert.Equal(["models/b.md:3:3: error: duplicate docs block 'orders': models/a.md:1:1 and models/b.md:3:3"], p.Messages());
        Assert.Equal("A", project.Docs["orders"].Text);
    }

    [Fact]
    public void UnterminatedDocsBlock()
    {
        using var p = Project().Write("models/a.md", "text\n{% docs orders %}\nA\n");
        p.Load();
        Assert.Equal(["models/a.md:2:1: error: docs block 'orders' has no {% enddocs %}"], p.Messages());
    }

    [Fact]
    public void PropertiesForUnknownModel()
    {
        using var p = Project().Write("models/schema.yml", "models:\n  - name: ghost\n    description: x\n");
        var project = p.Load();
        Assert.Equal(["models/schema.yml:2:5: warning: properties for unknown model 'ghost'"], p.Messages());
        Assert.False(p.Diagnostics.HasErrors);
        Assert.Empty(project.ModelProperties);
    }

    [Fact]
    public void ModelDescribedTwice()
    {
        using var p = Project().Write("models/a.sql", "select 1")
            .Write("models/one.yml", "models:\n  - name: a\n    description: first\n")
            .Write("models/two.yml", "version: 2\nmodels:\n  - name: a\n    description: second\n");
        var project = p.Load();
        Assert.Equal(["models/two.yml:3:5: error: model 'a' is already described at models/one.yml:2:5"], p.Messages());
        Assert.Equal("first", project.ModelProperties["a"].Description);
    }

    [Fact]
    public void UnknownCdpYmlKey()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\naudiences: {}\nmodel_paths: [m]\n");
        p.Load();
        Assert.Equal(["cdp.yml:3:1: warning: unknown key 'model_paths' in cdp.yml"], p.Messages());
    }

    [Fact]
    public void ProjectFileSyntaxErrorStillLoadsTheRest()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\nmodels: [\n").Write("models/a.sql", "select 1");
        var project = p.Load();
        Assert.Equal(["cdp.yml:2:9: error: '[' is not closed"], p.Messages());
        Assert.Single(project.Models);
    }

    [Fact]
    public void SeveralBrokenFilesAreAllReported()
    {
        using var p = Project().Write("models/a.sql", "select 1").Write("models/b.sql", "select 1")
            .Write("models/1_syntax.yml", "models:\n  - name: a\n description: x\n")
            .Write("models/2_tab.yml", "models:\n\t- name: a\n")
            .Write("models/3_type.yml", "models:\n  - name: b\n    columns: 3\n")
            .Write("models/4_dup.yml", "sources:\n  - name: s\n    name: t\n")
            .Write("seeds/5_props.yml", "seeds: {a: 1}\n")
            .Write("models/6_good.yml", "models:\n  - name: a\n    description: fine\n");
        var project = p.Load();
        Assert.Equal([
            "models/1_syntax.yml:3:2: error: invalid YAML: while parsing a block mapping, did not find expected key",
            "models/2_tab.yml:2:1: error: tab character in indentation (YAML indents with spaces)",
            "models/3_type.yml:3:14: error: 'columns' must be a list, not a number",
            "models/4_dup.yml:3:5: error: duplicate key 'name' (first at line 2)",
            "seeds/5_props.yml:1:8: error: 'seeds' must be a list, not a mapping",
        ], p.Messages());
        Assert.Equal(5, p.Diagnostics.ErrorCount);
        Assert.Equal("fine", project.ModelProperties["a"].Description);
    }
}
