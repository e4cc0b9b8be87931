{#- Macros of the profile models (models/profiles). -#}

{#- The identifier nodes of one type from the identity job's map, as (identifier_value, person_id): join a staged
    record's own key to it to find its person, e.g. join {{ person_map('order_id') }} as m on m.identifier_value = o.order_id. -#}
{% macro person_map(identifier_type) -%}
(select identifier_value, person_id from {{ source('identity', 'person_map') }} where identifier_type = '{{ identifier_type }}')
{%- endmacro %}

{#- The date traits are computed as of: the `as_of` var (YYYY-MM-DD) when set, else the latest day any person was
    active in the data, so that a rebuild of old data gives the same traits as on the day. -#}
{% macro as_of_date() -%}
{%- set as_of = var('as_of', none) -%}
{%- if as_of -%}
cast('{{ as_of }}' as date)
{%- else -%}
(select max(cast(activity_at as date)) from {{ ref('person_activity') }})
{%- endif -%}
{%- endmacro %}

{#- An amount in the reporting currency through the `fx_rates` var (units of the reporting currency per unit of the
    amount's currency). A currency without a rate gives NULL, which the models' not_null tests report. -#}
{% macro to_reporting_currency(amount, currency) -%}
({{ amount }}) * case upper({{ currency }}){% for code, rate in var('fx_rates').items() %} when '{{ code | upper }}' then {{ rate }}{% endfor %} end
{%- endmacro %}

{#- The rank of a source in a list (0 first); sources not in the list rank after all listed ones. -#}
{% macro source_rank(column, sources) -%}
case {{ column }}{% for s in sources %} when '{{ s }}' then {{ loop.index0 }}{% endfor %} else {{ sources | length }} end
{%- endmacro %}

{#-
  Survivorship: the winning candidate of one attribute per person, as (person_id, value, source, observed_at).
  `candidates` has one row per (person_id, attribute, value, source, observed_at); `rule` is the attribute's entry of
  the `survivorship` var:
    rule: source_priority  the value of the first source in `sources` that has one; the latest within that source
    rule: most_recent      the latest observed value
    rule: most_frequent    the value observed most often; ties go to the value observed last
  `sources`, when given, also limits the candidates to those sources (for every rule). Remaining ties are broken on
  the value, then the source, so a rebuild always picks the same winner.
-#}
{% macro survive(candidates, attribute, rule) -%}
{%- set kind = rule.get('rule') -%}
{%- set sources = rule.get('sources', []) -%}
{%- if kind not in ['source_priority', 'most_recent', 'most_frequent'] -%}
{{ exceptions.raise_compiler_error("survivorship of '" ~ attribute ~ "': rule must be source_priority, most_recent or most_frequent, not '" ~ kind ~ "' (see vars.survivorship in cdp.yml)") }}
{%- endif -%}
{%- if kind == 'source_priority' and not sources -%}
{{ exceptions.raise_compiler_error("survivorship of '" ~ attribute ~ "': rule source_priority needs a 'sources' list, first source first (see vars.survivorship in cdp.yml)") }}
{%- endif -%}
select person_id, value, source, observed_at
from (
    select
        person_id,
        value,
        source,
        observed_at,
        count(*) over (partition by person_id, value) as frequency
    from {{ candidates }}
    where attribute = '{{ attribute }}'
      and value is not null
      {%- if sources %}
      and source in ({% for s in sources %}'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor %})
      {%- endif %}
)
qualify row_number() over (
    partition by person_id
    order by
        {%- if kind == 'source_priority' %}
        {{ source_rank('source', sources) }},
        {%- elif kind == 'most_frequent' %}
        frequency desc,
        {%- endif %}
        observed_at desc nulls last,
        value,
        source
) = 1
{%- endmacro %}
