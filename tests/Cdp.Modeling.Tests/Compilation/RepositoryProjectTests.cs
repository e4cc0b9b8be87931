using Cdp.Modeling.Compilation;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;
using Cdp.Testing;

namespace Cdp.Modeling.Tests.Compilation;

/// <summary>The repository's own project (cdp.yml, models/, sql/) loads and compiles without errors.</summary>
public class RepositoryProjectTests
{
    [Fact]
    public void The_repository_project_compiles()
    {
        var diagnostics = new DiagnosticBag();
        var project = ProjectLoader.Load(RepositoryPaths.Root, diagnostics);
        Assert.Equal("cdp", project.Name);
        Assert.Contains(project.Macros, m => m.Path == "sql/macros/dialect.sql");
        var compiled = new ProjectCompiler(new JinjaTemplateEngine()).Compile(project, new CompileOptions(), diagnostics);
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
    }
}
