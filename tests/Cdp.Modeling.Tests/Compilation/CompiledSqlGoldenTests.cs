using Cdp.Modeling.Compilation;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;
using Cdp.Modeling.Tests.Support;

namespace Cdp.Modeling.Tests.Compilation;

/// <summary>
/// The compiled SQL of models using every name dbt puts in a template's context: ref (including ephemeral CTEs),
/// source, config, var (project, command line, default), env_var (set, default), is_incremental, this,
/// target.name/schema/type, run_started_at, invocation_id, and macros from the macro path. Expected files are
/// written by hand under Golden/compilation; <c>CDP_UPDATE_GOLDEN=1</c> rewrites them.
/// </summary>
public sealed class CompiledSqlGoldenTests : IDisposable
{
    private readonly TestProject _project = new("""
        name: goldens
        vars: {country: FR, limit: 10}
        default-target: dev
        targets:
          dev: {schema: analytics}
          prod: {schema: prod_main}
        models:
          staging: {+schema: silver}
        """);

    public CompiledSqlGoldenTests()
    {
        _project
            .Write("macros/money.sql", "{% macro money(col, scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}\n")
            .Write("models/sources.yml", "version: 2\nsources:\n  - name: shop\n    schema: bronze\n    tables:\n      - name: orders\n        identifier: shop_orders\n")
            .Write("models/staging/stg_orders.sql", """
                {{ config(materialized='view') }}
                select id, {{ money('amount_cents') }} as amount, {{ money('tax_cents', scale=0) }} as tax, country
                from {{ source('shop', 'orders') }}
                where country = '{{ var('country') }}'
                """)
            .Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }} where amount > 0\n")
            .Write("models/context.sql", """
                {{ config(materialized='incremental', unique_key='id') }}
                -- target {{ target.name }} / {{ target.schema }} / {{ target.type }}
                -- run {{ invocation_id }} at {{ run_started_at }} ({{ run_started_at.strftime('%Y-%m-%d') }})
                -- env {{ env_var('CDP_GOLDEN_REGION', 'eu') }} / {{ env_var('CDP_GOLDEN_SET') }}
                -- this {{ this }} ({{ this.schema }}.{{ this.identifier }})
                with recent as (
                    select * from {{ ref('eph') }}
                    {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
                )
                select * from recent limit {{ var('limit') }}{{ ' -- ' ~ var('note', 'no note') }}
                """);
    }

    public void Dispose() => _project.Dispose();

    private CompiledProject Compile(string? target, bool tableExists, IReadOnlyDictionary<string, object?>? vars = null)
    {
        var diagnostics = new DiagnosticBag();
        var project = ProjectLoader.Load(_project.Root, diagnostics);
        var options = new CompileOptions
        {
            Target = target,
            Vars = vars ?? new Dictionary<string, object?>(),
            InvocationId = "3f2a9c1e-0000-4000-8000-000000000001",
            RunStartedAt = new DateTimeOffset(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero),
            RelationExists = _ => tableExists,
            EnvironmentVariable = name => name == "CDP_GOLDEN_SET" ? "set-by-env" : null,
        };
        var compiled = new ProjectCompiler(new JinjaTemplateEngine()).Compile(project, options, diagnostics);
        Assert.Empty(compiled.Diagnostics);
        return compiled;
    }

    [Theory]
    [InlineData("context_first_run", null, false, false)]
    [InlineData("context_incremental_prod", "prod", true, true)]
    public void Compiled_sql_matches_the_golden_file(string golden, string? target, bool tableExists, bool withVars)
    {
        var vars = withVars ? new Dictionary<string, object?> { ["limit"] = 5L, ["note"] = "from --vars" } : null;
        var compiled = Compile(target, tableExists, vars);
        Golden.AssertMatches("compilation/" + golden + ".expected.sql", compiled.Graph["model.goldens.context"].CompiledSql!);
    }

    [Fact]
    public void Staging_view_uses_macros_source_and_vars()
        => Golden.AssertMatches("compilation/stg_orders.expected.sql", Compile(null, false).Graph["model.goldens.stg_orders"].CompiledSql!);

    [Fact]
    public void Ephemeral_models_compile_but_are_not_relations()
    {
        var compiled = Compile(null, false);
        var eph = compiled.Graph["model.goldens.eph"];
        Assert.Equal(Materializations.Ephemeral, eph.Materialized);
        Assert.Equal(["model.goldens.eph"], compiled.Graph["model.goldens.context"].DependsOn);
        Assert.Equal(["model.goldens.stg_orders"], eph.DependsOn);
        Assert.Equal(["source.goldens.shop.orders"], compiled.Graph["model.goldens.stg_orders"].DependsOn);
    }
}
