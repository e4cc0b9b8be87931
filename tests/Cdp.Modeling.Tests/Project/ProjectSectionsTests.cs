using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public class ProjectSectionsTests
{
    [Fact]
    public void Sections_of_other_jobs_are_kept_as_plain_values()
    {
        using var project = new Cdp.Modeling.Tests.Support.TestProject("name: shop\ningest:\n  sources:\n    crm: {format: csv, path: 'in/*.csv'}\nidentity: {max_emails: 3}\n");
        var diagnostics = new DiagnosticBag();
        var loaded = ProjectLoader.Load(project.Root, diagnostics);
        Assert.Empty(diagnostics.Items);
        var ingest = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(loaded.Sections["ingest"]);
        var crm = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(ingest["sources"])["crm"]);
        Assert.Equal("in/*.csv", crm["path"]);
        Assert.Equal(3L, Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(loaded.Sections["identity"])["max_emails"]);
    }
}
