{% macro cents_to_dollars(column, scale=2) -%}
round({{ column }} / 100.0, {{ scale }})
{%- endmacro %}

{% macro star(cols, prefix='') -%}
{% for c in cols %}{{ prefix }}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}

{% macro uses_global() -%}
{{ this }}
{%- endmacro %}

{% macro helper_calls_sibling() -%}
{{ cents_to_dollars('x') }}
{%- endmacro %}
