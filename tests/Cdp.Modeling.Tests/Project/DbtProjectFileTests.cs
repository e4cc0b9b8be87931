using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public sealed class DbtProjectFileTests
{
    [Fact]
    public void MapsADbtDuckdbProjectWithoutProfiles()
    {
        using var p = new TestProject().Write("dbt_project.yml", """
            name: 'jaffle_shop'
            version: '1.0.0'
            config-version: 2
            profile: 'jaffle_shop'
            require-dbt-version: ">=1.5.0"
            model-paths: ["models"]
            seed-paths: ["seeds"]
            macro-paths: ["macros"]
            test-paths: ["tests"]
            analysis-paths: ["analyses"]
            snapshot-paths: ["snapshots"]
            docs-paths: ["docs"]
            target-path: "target"
            clean-targets: ["target", "dbt_packages"]
            packages-install-path: dbt_packages
            quoting: {database: false}
            flags: {send_anonymous_usage_stats: false}
            dispatch: [{macro_namespace: dbt_utils, search_order: [jaffle_shop, dbt_utils]}]
            query-comment: null
            on-run-start: ["select 1"]
            on-run-end: []
            vars:
              truncate_timespan_to: "{{ current_timestamp() }}"
              start_date: '2020-01-01'
              jaffle_shop:
                start_date: '2021-01-01'
                payment_methods: ['credit_card', 'coupon']
              dbt_utils:
                x: 1
            models:
              +persist_docs: {relation: true}
              jaffle_shop:
                +materialized: view
                staging:
                  materialized: view
                  +schema: staging
                marts:
                  +materialized: table
                  core:
                    tags: ['core']
              dbt_utils:
                +enabled: false
            seeds:
              jaffle_shop:
                +schema: raw
                raw_payments:
                  +column_types: {amount: integer}
            data_tests:
              jaffle_shop:
                +severity: warn
            """);
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Equal("jaffle_shop", project.Name);
        Assert.Equal("dbt_project.yml", project.ProjectFile);
        Assert.Null(project.Lake);
        Assert.Equal("dev", project.DefaultTarget);
        Assert.Equal(new TargetDefinition("dev", "main"), Assert.Single(project.Targets).Value);
        Assert.Equal(Path.Combine(p.Root, "target"), project.TargetPath);
        Assert.Equal("2021-01-01", project.Vars["start_date"]);
        Assert.Equal("{{ current_timestamp() }}", project.Vars["truncate_timespan_to"]);
        Assert.Equal(new List<object?> { "credit_card", "coupon" }, project.Vars["payment_methods"]);
        Assert.False(project.Vars.ContainsKey("jaffle_shop"));
        Assert.True(project.Vars.ContainsKey("dbt_utils")); // another package's vars stay as a var

        var models = project.ModelConfigs;
        Assert.Equal("view", models.Configs["materialized"]);
        Assert.Equal(new Dictionary<string, object?> { ["relation"] = true }, models.Configs["persist_docs"]);
        Assert.False(models.Configs.ContainsKey("enabled"));
        Assert.Equal(["staging", "marts"], models.Folders.Keys);
        Assert.Equal("staging", models.Folders["staging"].Configs["schema"]);
        Assert.Equal("view", models.Folders["staging"].Configs["materialized"]);
        Assert.Equal(new List<object?> { "core" }, models.Folders["marts"].Folders["core"].Configs["tags"]);
        Assert.Equal("raw", project.SeedConfigs.Configs["schema"]);
        Assert.Equal(new Dictionary<string, object?> { ["amount"] = "integer" },
            project.SeedConfigs.Resolve("raw_payments.csv")["column_types"]);
        Assert.Equal("warn", project.TestConfigs.Configs["severity"]);
    }

    [Fact]
    public void DefaultsAndLegacyPathKeys()
    {
        using var p = new TestProject().Write("dbt_project.yml", "name: legacy\nsource-paths: [src]\ndata-paths: [data]\n")
            .Write("src/a.sql", "select 1")
            .Write("data/b.csv", "x\n")
            .Write("macros/m.sql", "")
            .Write("tests/t.sql", "select 1")
            .Write("analyses/an.sql", "select 1")
            .Write("models/ignored.sql", "select 1");
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Equal(["src/a.sql"], project.Models.Select(f => f.Path));
        Assert.Equal(["data/b.csv"], project.Seeds.Select(f => f.Path));
        Assert.Equal(["macros/m.sql"], project.Macros.Select(f => f.Path));
        Assert.Equal(["tests/t.sql"], project.Tests.Select(f => f.Path));
        Assert.Equal(["analyses/an.sql"], project.Analyses.Select(f => f.Path));
        Assert.Equal(Path.Combine(p.Root, "target"), project.TargetPath);
        Assert.Empty(project.Vars);
    }

    [Fact]
    public void TopLevelPlusConfigsAndProjectLevelOverride()
    {
        using var p = new TestProject().Write("dbt_project.yml", """
            name: shop
            models:
              +materialized: table
              +tags: [all]
              shop:
                +materialized: view
            tests:
              shop:
                store_failures: true
            """);
        var project = p.Load();
        Assert.Equal("view", project.ModelConfigs.Configs["materialized"]);
        Assert.Equal(new List<object?> { "all" }, project.ModelConfigs.Configs["tags"]);
        Assert.Equal(true, project.TestConfigs.Configs["store_failures"]);
    }

    [Fact]
    public void UnknownKeyIsAWarning()
    {
        using var p = new TestProject().Write("dbt_project.yml", "name: shop\nmodles: {}\n");
        p.Load();
        Assert.Equal(["dbt_project.yml:2:1: warning: unknown key 'modles' in dbt_project.yml is ignored"], p.Messages());
    }
}
