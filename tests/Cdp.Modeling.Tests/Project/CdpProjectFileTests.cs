using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public sealed class CdpProjectFileTests
{
    [Fact]
    public void ReadsEveryKey()
    {
        using var p = new TestProject().Write("cdp.yml", """
            name: cdp
            lake: ./lake
            model-paths: [models]
            seed-paths: [data]
            macro-paths: [sql/macros]
            test-paths: [sql/tests]
            analysis-paths: [sql/analyses]
            docs-paths: [docs]
            target-path: out
            default-target: prod
            targets:
              dev: {schema: main, threads: 4, lake: ./lake}
              prod: {schema: gold, lake: abfss://c@acct.dfs.core.windows.net/lake}
            vars: {start_date: '2024-01-01', days: 7, ratio: 0.5, on: true, y: yes, none: ~, list: [1, a]}
            models:
              +materialized: view
              staging: {+schema: silver}
              marts: {materialized: table, +tags: [marts]}
            seeds: {+schema: seeds}
            tests: {+severity: warn}
            ingest: {anything: 1}
            identity: {}
            """)
            .Write("data/countries.csv", "code\nNL\n")
            .Write("sql/macros/m.sql", "{% macro m() %}1{% endmacro %}")
            .Write("sql/tests/t.sql", "select 1 where false")
            .Write("sql/analyses/a.sql", "select 2")
            .Write("docs/overview.md", "{% docs overview %}Hello{% enddocs %}");
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Equal("cdp", project.Name);
        Assert.Equal("cdp.yml", project.ProjectFile);
        Assert.Equal(Path.Combine(p.Root, "lake"), project.Lake);
        Assert.Equal(Path.Combine(p.Root, "out"), project.TargetPath);
        Assert.Equal("prod", project.DefaultTarget);
        Assert.Equal(new TargetDefinition("dev", "main", 4, Path.Combine(p.Root, "lake")), project.Targets["dev"]);
        Assert.Equal(new TargetDefinition("prod", "gold", null, "abfss://c@acct.dfs.core.windows.net/lake"), project.Targets["prod"]);
        Assert.Equal("2024-01-01", project.Vars["start_date"]);
        Assert.Equal(7L, project.Vars["days"]);
        Assert.Equal(0.5, project.Vars["ratio"]);
        Assert.Equal(true, project.Vars["on"]);
        Assert.Equal("yes", project.Vars["y"]);
        Assert.Null(project.Vars["none"]);
        Assert.Equal(new List<object?> { 1L, "a" }, project.Vars["list"]);
        Assert.Equal("view", project.ModelConfigs.Configs["materialized"]);
        Assert.Equal("silver", project.ModelConfigs.Folders["staging"].Configs["schema"]);
        Assert.Equal("table", project.ModelConfigs.Folders["marts"].Configs["materialized"]);
        Assert.Equal(new List<object?> { "marts" }, project.ModelConfigs.Folders["marts"].Configs["tags"]);
        Assert.Equal("seeds", project.SeedConfigs.Configs["schema"]);
        Assert.Equal("warn", project.TestConfigs.Configs["severity"]);
        Assert.Equal("data/countries.csv", Assert.Single(project.Seeds).Path);
        Assert.Equal("sql/macros/m.sql", Assert.Single(project.Macros).Path);
        Assert.Equal("sql/tests/t.sql", Assert.Single(project.Tests).Path);
        Assert.Equal("sql/analyses/a.sql", Assert.Single(project.Analyses).Path);
        Assert.Equal("Hello", project.Docs["overview"].Text);
    }

    [Fact]
    public void DefaultsWithoutTargetsOrPaths()
    {
        using var p = new TestProject().Write("cdp.yml", "name: shop\n")
            .Write("models/a.sql", "select 1")
            .Write("seeds/s.csv", "x\n1\n")
            .Write("macros/m.sql", "")
            .Write("tests/t.sql", "select 1")
            .Write("analyses/x.sql", "select 1");
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Null(project.Lake);
        Assert.Equal(Path.Combine(p.Root, "target"), project.TargetPath);
        Assert.Equal("dev", project.DefaultTarget);
        Assert.Equal(new TargetDefinition("dev", "main"), Assert.Single(project.Targets).Value);
        Assert.Equal(["models/a.sql"], project.Models.Select(m => m.Path));
        Assert.Equal(["seeds/s.csv"], project.Seeds.Select(m => m.Path));
        Assert.Equal(["macros/m.sql"], project.Macros.Select(m => m.Path));
        Assert.Equal(["tests/t.sql"], project.Tests.Select(m => m.Path));
        Assert.Equal(["analyses/x.sql"], project.Analyses.Select(m => m.Path));
        Assert.Empty(project.ModelConfigs.Configs);
    }

    [Fact]
    public void AbsoluteLakePathIsKept()
    {
        var lake = Path.Combine(Path.GetTempPath(), "some-lake");
        using var p = new TestProject().Write("cdp.yml", $"name: x\nlake: '{lake}'\n");
        Assert.Equal(lake, p.Load().Lake);
    }

    [Fact]
    public void CdpYmlWinsOverDbtProjectYml()
    {
        using var p = new TestProject().Write("cdp.yml", "name: ours\n").Write("dbt_project.yml", "name: theirs\n");
        var project = p.Load();
        Assert.Equal("ours", project.Name);
        Assert.Equal("cdp.yml", project.ProjectFile);
    }

    [Fact]
    public void DefaultTargetWithoutDevIsTheFirst()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\ntargets:\n  local: {schema: s}\n  prod: {}\n");
        var project = p.Load();
        Assert.Equal("local", project.DefaultTarget);
        Assert.Equal("main", project.Targets["prod"].Schema);
    }

    [Fact]
    public void UnknownDefaultTargetIsAnError()
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\ndefault-target: qa\ntargets:\n  dev: {}\n");
        p.Load();
        Assert.Equal(["cdp.yml:2:17: error: default-target 'qa' is not one of the targets (dev)"], p.Messages());
    }

    [Fact]
    public void MissingNameIsAnError()
    {
        using var p = new TestProject().Write("cdp.yml", "lake: ./lake\n");
        var project = p.Load();
        Assert.Equal(["cdp.yml:1:1: error: cdp.yml has no 'name'"], p.Messages());
        Assert.Equal(Path.GetFileName(p.Root), project.Name);
    }
}
