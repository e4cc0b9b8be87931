using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;

namespace Cdp.Modeling.Tests.Project;

public sealed class PropertyFileTests
{
    private static TestProject Project() => new TestProject().Write("cdp.yml", "name: x\n");

    [Fact]
    public void ModelsWithColumnsConfigAndTests()
    {
        using var p = Project()
            .Write("models/staging/stg_orders.sql", "select 1")
            .Write("models/staging/stg_customers.sql", "select 1")
            .Write("models/staging/_staging.yml", """
                version: 2
                models:
                  - name: stg_orders
                    description: '{{ doc("orders") }}'
                    meta: {owner: sales}
                    config:
                      materialized: table
                      tags: nightly
                    columns:
                      - name: order_id
                        description: The key.
                        data_type: bigint
                        tests: [unique, not_null]
                      - name: status
                        data_tests:
                          - accepted_values:
                              values: ['placed', 'shipped']
                              severity: warn
                              where: "order_date > '2020-01-01'"
                              config: {limit: 10}
                      - name: customer_id
                        tests:
                          - relationships: {to: ref('stg_customers'), field: id}
                        data_tests:
                          - not_null
                    data_tests:
                      - dbt_utils.unique_combination_of_columns:
                          combination_of_columns: [order_id, status]
                          name: orders_unique_combo
                  - name: stg_customers
                """);
        var project = p.Load();

        Assert.Empty(p.Messages());
        var orders = project.ModelProperties["stg_orders"];
        Assert.Equal(new SourceLocation("models/staging/_staging.yml", 3, 5), orders.Location);
        Assert.Equal("{{ doc(\"orders\") }}", orders.Description);
        Assert.Equal("table", orders.Config["materialized"]);
        Assert.Equal(new List<object?> { "nightly" }, orders.Config["tags"]);
        Assert.Equal(new Dictionary<string, object?> { ["owner"] = "sales" }, orders.Config["meta"]);
        Assert.Equal(["order_id", "status", "customer_id"], orders.Columns.Select(c => c.Name));

        var id = orders.Columns[0];
        Assert.Equal("The key.", id.Description);
        Assert.Equal("bigint", id.DataType);
        Assert.Equal(["unique", "not_null"], id.Tests.Select(t => t.TestName));
        Assert.Equal(new SourceLocation("models/staging/_staging.yml", 13, 17), id.Tests[0].Location);
        Assert.Empty(id.Tests[0].Arguments);

        var accepted = Assert.Single(orders.Columns[1].Tests);
        Assert.Equal("accepted_values", accepted.TestName);
        Assert.Equal(new SourceLocation("models/staging/_staging.yml", 16, 13), accepted.Location);
        Assert.Equal(new List<object?> { "placed", "shipped" }, Assert.Single(accepted.Arguments).Value);
        Assert.Equal("warn", accepted.Config["severity"]);
        Assert.Equal("order_date > '2020-01-01'", accepted.Config["where"]);
        Assert.Equal(10L, accepted.Config["limit"]);
        Assert.Equal(["values"], accepted.Arguments.Keys);

        var customer = orders.Columns[2];
        Assert.Equal(["relationships", "not_null"], customer.Tests.Select(t => t.TestName));
        Assert.Equal("ref('stg_customers')", customer.Tests[0].Arguments["to"]);
        Assert.Equal("id", customer.Tests[0].Arguments["field"]);
        Assert.Null(customer.DataType);
        Assert.Null(customer.Description);

        var combo = Assert.Single(orders.Tests);
        Assert.Equal("dbt_utils.unique_combination_of_columns", combo.TestName);
        Assert.Equal(new List<object?> { "order_id", "status" }, combo.Arguments["combination_of_columns"]);
        Assert.Equal("orders_unique_combo", combo.Config["name"]);
        Assert.False(combo.Arguments.ContainsKey("name"));

        var customers = project.ModelProperties["stg_customers"];
        Assert.Null(customers.Description);
        Assert.Empty(customers.Columns);
    }

    [Fact]
    public void Dbt110ArgumentsForm()
    {
        using var p = Project().Write("models/orders.sql", "select 1").Write("models/schema.yml", """
            models:
              - name: orders
                columns:
                  - name: status
                    data_tests:
                      - accepted_values:
                          arguments:
                            values: [a, b]
                            quote: false
                          config:
                            severity: error
                            error_if: ">10"
                          description: Only known statuses.
                          where: "1 = 1"
                      - relationships:
                          arguments: {to: "source('raw', 'customers')", field: id}
            """);
        var project = p.Load();

        Assert.Empty(p.Messages());
        var tests = project.ModelProperties["orders"].Columns[0].Tests;
        Assert.Equal(new Dictionary<string, object?> { ["values"] = new List<object?> { "a", "b" }, ["quote"] = false }, tests[0].Arguments);
        Assert.Equal(new Dictionary<string, object?> { ["where"] = "1 = 1", ["severity"] = "error", ["error_if"] = ">10" }, tests[0].Config);
        Assert.Equal("source('raw', 'customers')", tests[1].Arguments["to"]);
        Assert.Empty(tests[1].Config);
    }

    [Fact]
    public void SeedsWithColumnTypes()
    {
        using var p = Project().Write("seeds/raw_payments.csv", "id,amount\n1,2\n").Write("seeds/props.yaml", """
            version: 2
            seeds:
              - name: raw_payments
                description: Payments.
                config:
                  column_types: {id: bigint, amount: 'decimal(10,2)'}
                  delimiter: ";"
                columns:
                  - name: id
                    tests: [unique]
            """);
        var project = p.Load();

        Assert.Empty(p.Messages());
        var seed = project.SeedProperties["raw_payments"];
        Assert.Equal("Payments.", seed.Description);
        Assert.Equal(new Dictionary<string, object?> { ["id"] = "bigint", ["amount"] = "decimal(10,2)" }, seed.Config["column_types"]);
        Assert.Equal(";", seed.Config["delimiter"]);
        Assert.Equal("unique", Assert.Single(Assert.Single(seed.Columns).Tests).TestName);
        Assert.Equal("", Assert.Single(project.Seeds).Text);
    }

    [Fact]
    public void SourcesWithSchemaDefaultIdentifiersAndLocations()
    {
        using var p = Project().Write("models/sources.yml", """
            version: 2
            sources:
              - name: raw
                description: Landed data.
                tables:
                  - name: orders
                    identifier: raw_orders
                    description: Orders.
                    columns:
                      - name: id
                        tests: [not_null]
                    tests:
                      - dbt_utils.at_least_one
                  - name: events
                    location: abfss://c@a.dfs.core.windows.net/events
                  - name: clicks
                    config: {location: bronze/clicks}
                  - name: views
                    meta: {location: bronze/views}
              - name: crm
                schema: bronze_crm
                tables: [{name: contacts}]
            """);
        var project = p.Load();

        Assert.Empty(p.Messages());
        Assert.Equal(["raw", "crm"], project.Sources.Select(s => s.Name));
        var raw = project.Sources[0];
        Assert.Equal("raw", raw.Schema);
        Assert.Equal("Landed data.", raw.Description);
        Assert.Equal(new SourceLocation("models/sources.yml", 3, 5), raw.Location);
        Assert.Equal(["orders", "events", "clicks", "views"], raw.Tables.Select(t => t.Name));
        var orders = raw.Tables[0];
        Assert.Equal("raw_orders", orders.Identifier);
        Assert.Equal("Orders.", orders.Description);
        Assert.Null(orders.TableLocation);
        Assert.Equal("not_null", Assert.Single(Assert.Single(orders.Columns).Tests).TestName);
        Assert.Equal("dbt_utils.at_least_one", Assert.Single(orders.Tests).TestName);
        Assert.Equal(new SourceLocation("models/sources.yml", 6, 9), orders.Location);
        Assert.Equal("events", raw.Tables[1].Identifier);
        Assert.Equal("abfss://c@a.dfs.core.windows.net/events", raw.Tables[1].TableLocation);
        Assert.Equal("bronze/clicks", raw.Tables[2].TableLocation);
        Assert.Equal("bronze/views", raw.Tables[3].TableLocation);
        Assert.Equal("bronze_crm", project.Sources[1].Schema);
        Assert.Equal("contacts", Assert.Single(project.Sources[1].Tables).Identifier);
    }

    [Fact]
    public void IgnoredSectionsAndMissingVersionAreAccepted()
    {
        using var p = Project().Write("models/a.sql", "select 1").Write("models/a.yml", """
            models: [{name: a}]
            macros: [{name: m, description: x}]
            exposures: [{name: e}]
            metrics: []
            semantic_models: []
            analyses: [{name: an}]
            """).Write("analyses/an.sql", "select 1").Write("analyses/an.yml", "version: 2\nanalyses: [{name: an}]\n");
        var project = p.Load();
        Assert.Empty(p.Messages());
        Assert.True(project.ModelProperties.ContainsKey("a"));
    }

    [Fact]
    public void ProjectFileIsNotAPropertyFile()
    {
        using var p = new TestProject().Write("dbt_project.yml", "name: x\nmodel-paths: ['.']\n").Write("packages.yml", "packages: []\n")
            .Write("a.sql", "select 1");
        var project = p.Load();
        Assert.Empty(p.Messages());
        Assert.Equal("a.sql", Assert.Single(project.Models).Path);
    }
}
