using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Tests;

public class DiagnosticTests
{
    [Fact]
    public void PrintsLocationLineAndCaret()
    {
        var d = Diagnostic.Error("unknown name 'colums'", new SourceLocation("models/a.sql", 3, 8)).WithSourceFrom("a\nb\nselect colums from x\n");
        Assert.Equal("models/a.sql:3:8: error: unknown name 'colums'\n  |\n3 | select colums from x\n  |        ^", d.ToString());
    }

    [Fact]
    public void BagThrowsWithEveryDiagnostic()
    {
        var bag = new DiagnosticBag();
        bag.Warning("w");
        bag.Error("e1", new SourceLocation("x.sql", 1, 1));
        bag.Error("e2");
        var e = Assert.Throws<ModelingException>(() => bag.ThrowIfErrors("2 errors"));
        Assert.Equal(3, e.Diagnostics.Count);
        Assert.Contains("x.sql:1:1: error: e1", e.Report(), StringComparison.Ordinal);
    }
}
