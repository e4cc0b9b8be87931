using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Tests.Templating;

/// <summary>
/// Renders every <c>Golden/templating/&lt;case&gt;.sql.jinja</c> and compares with <c>&lt;case&gt;.expected.sql</c>
/// (written by hand from Jinja's semantics). The macros of <c>Golden/templating/macros/</c> are available to every
/// case. <c>CDP_UPDATE_GOLDEN=1</c> rewrites the expected files instead.
/// </summary>
public class GoldenTemplateTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Golden", "templating");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.sql.jinja").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".sql.jinja".Length]);
        }
        return data;
    }

    [Fact]
    public void ThereAreCases() => Assert.True(Cases().Count >= 20);

    [Theory]
    [MemberData(nameof(Cases))]
    public void RendersAsExpected(string name)
    {
        var bag = new DiagnosticBag();
        var globals = TemplateFixture.Globals();
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "macros")).Order(StringComparer.Ordinal))
        {
            globals.AddMacros(TemplateFixture.TemplateEngine.Parse("macros/" + Path.GetFileName(file), File.ReadAllText(file), bag));
        }
        var input = File.ReadAllText(Path.Combine(Directory, name + ".sql.jinja"));
        var template = TemplateFixture.TemplateEngine.Parse($"models/{name}.sql", input, bag);
        var output = template.Render(globals, bag);

        Assert.Empty(TemplateFixture.Headlines(bag.Items));
        var expectedPath = Path.Combine(Directory, name + ".expected.sql");
        if (Environment.GetEnvironmentVariable("CDP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(SourcePath(name + ".expected.sql"), output);
            return;
        }
        Assert.Equal(File.ReadAllText(expectedPath), output);
    }

    /// <summary>The expected file in the source tree (not the copy in the output directory).</summary>
    private static string SourcePath(string file, [System.Runtime.CompilerServices.CallerFilePath] string here = "")
        => Path.Combine(Path.GetDirectoryName(here)!, "..", "Golden", "templating", file);
}
