using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public sealed class FolderConfigsTests
{
    private static FolderConfigs Load(string modelsBlock)
    {
        using var p = new TestProject().Write("cdp.yml", "name: x\nmodels:\n" + modelsBlock);
        var project = p.Load();
        Assert.Empty(p.Messages());
        return project.ModelConfigs;
    }

    [Fact]
    public void InnerFoldersOverrideOuterAndTagsAccumulate()
    {
        var configs = Load("""
              +materialized: view
              +tags: [base]
              +meta: {owner: data, tier: 2}
              marts:
                +materialized: table
                +tags: marts
                +meta: {tier: 1}
                finance:
                  +schema: finance
                  +tags: [finance, base]
            """);

        var top = configs.Resolve("top.sql");
        Assert.Equal("view", top["materialized"]);
        Assert.Equal(new List<object?> { "base" }, top["tags"]);

        var finance = configs.Resolve("marts/finance/revenue.sql");
        Assert.Equal("table", finance["materialized"]);
        Assert.Equal("finance", finance["schema"]);
        Assert.Equal(new List<object?> { "base", "marts", "finance" }, finance["tags"]);
        Assert.Equal(new Dictionary<string, object?> { ["owner"] = "data", ["tier"] = 1L }, finance["meta"]);

        var other = configs.Resolve("marts/other/x.sql");
        Assert.Equal("table", other["materialized"]);
        Assert.False(other.ContainsKey("schema"));
    }

    [Fact]
    public void AKeyNamingTheFileConfiguresThatFile()
    {
        var configs = Load("""
              staging:
                +materialized: view
                stg_orders:
                  +materialized: incremental
                  unique_key: order_id
            """);

        var orders = configs.Resolve("staging/stg_orders.sql");
        Assert.Equal("incremental", orders["materialized"]);
        Assert.Equal("order_id", orders["unique_key"]);
        Assert.Equal("view", configs.Resolve("staging/stg_customers.sql")["materialized"]);
    }

    [Fact]
    public void KnownNamesArePlusOptionalAndHooksKeepTheirKey()
    {
        var configs = Load("""
              schema: s
              +pre-hook: "select 1"
              post-hook: ["select 2"]
              custom_setting: 3
              +custom_folder_config: {a: 1}
              reports: {enabled: false}
              empty_folder:
            """);

        Assert.Equal("s", configs.Configs["schema"]);
        Assert.Equal("select 1", configs.Configs["pre-hook"]);
        Assert.Equal(new List<object?> { "select 2" }, configs.Configs["post-hook"]);
        Assert.Equal(3L, configs.Configs["custom_setting"]);
        Assert.Equal(new Dictionary<string, object?> { ["a"] = 1L }, configs.Configs["custom_folder_config"]);
        Assert.Equal(false, configs.Folders["reports"].Configs["enabled"]);
        Assert.Equal(["reports", "empty_folder"], configs.Folders.Keys);
        Assert.Empty(configs.Folders["empty_folder"].Configs);
    }
}
