{#- Generic data tests shared by the models (declared in their yml as `- <name>: {...}`). -#}

{#- The rows whose combination of `columns` appears more than once: a key of several columns, e.g.
    `- unique_combination: {columns: [person_id, channel, purpose]}` under a model's `tests:`. -#}
{% macro test_unique_combination(model, columns, column_name=none) -%}
select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}
