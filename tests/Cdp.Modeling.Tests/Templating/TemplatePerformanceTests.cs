using System.Diagnostics;
using Cdp.Modeling.Diagnostics;
using static Cdp.Modeling.Tests.Templating.TemplateFixture;

namespace Cdp.Modeling.Tests.Templating;

public class TemplatePerformanceTests
{
    [Fact]
    public void FiveHundredModelsParseAndRenderQuickly()
    {
        const string macros = """
            {% macro cents_to_dollars(column, scale=2) -%}
            round({{ column }} / 100.0, {{ scale }})
            {%- endmacro %}
            {% macro star(cols, prefix='') -%}
            {% for c in cols %}{{ prefix }}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
            {%- endmacro %}
            """;
        const string model = """
            {{ config(materialized='table') }}
            {%- set methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] -%}
            select
                {{ star(columns, prefix='p.') }},
                {% for m in methods -%}
                sum(case when method = '{{ m }}' then {{ cents_to_dollars('amount') }} else 0 end) as {{ m | lower }}_amount
                {%- if not loop.last %},{% endif %}
                {% endfor %}
            from {{ ref('stg_payments') }} p
            {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
            """;
        var stopwatch = Stopwatch.StartNew();
        var bag = new DiagnosticBag();
        var globals = Globals();
        globals.AddMacros(TemplateEngine.Parse("macros/m.sql", macros, bag));
        var total = 0;
        Parallel.For(0, 500, i =>
        {
            var template = TemplateEngine.Parse($"models/m{i}.sql", model, bag);
            Interlocked.Add(ref total, template.Render(globals, bag).Length);
        });
        stopwatch.Stop();
        Assert.Empty(bag.Items);
        Assert.True(total > 500 * 300);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }
}
