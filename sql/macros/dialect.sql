{#-
  Dialect-specific SQL lives here, behind macros, so models stay portable: the embedded target is DuckDB
  (target.type == 'duckdb'); a Spark SQL target can add its branch without touching the models.
-#}

{#- A stable hexadecimal SHA-256 of a value (ids, hashed identifiers for ad platforms). -#}
{% macro hash_sha256(expr) -%}
{%- if target.type == 'spark' -%}
sha2(cast({{ expr }} as string), 256)
{%- else -%}
sha256(cast({{ expr }} as varchar))
{%- endif -%}
{%- endmacro %}

{#- A date plus a number of days. -#}
{% macro add_days(date_expr, days) -%}
{%- if target.type == 'spark' -%}
date_add({{ date_expr }}, {{ days }})
{%- else -%}
(cast({{ date_expr }} as date) + to_days(cast({{ days }} as integer)))
{%- endif -%}
{%- endmacro %}

{#- Whole days from start to end (negative when end is earlier). -#}
{% macro days_between(start_expr, end_expr) -%}
{%- if target.type == 'spark' -%}
datediff({{ end_expr }}, {{ start_expr }})
{%- else -%}
date_diff('day', cast({{ start_expr }} as date), cast({{ end_expr }} as date))
{%- endif -%}
{%- endmacro %}

{#- The distinct non-null values of a column in a group, as a sorted array. -#}
{% macro array_agg_distinct(expr) -%}
{%- if target.type == 'spark' -%}
array_sort(collect_set({{ expr }}))
{%- else -%}
list_sort(list_distinct(list({{ expr }})))
{%- endif -%}
{%- endmacro %}

{#- Number of elements of an array. -#}
{% macro array_size(expr) -%}
{%- if target.type == 'spark' -%}
size({{ expr }})
{%- else -%}
len({{ expr }})
{%- endif -%}
{%- endmacro %}

{#- A JSON object text from (key, expression) pairs, e.g. json_object([['street', 'street'], ['city', 'city']]). -#}
{% macro json_object(fields) -%}
{%- if target.type == 'spark' -%}
to_json(named_struct({% for f in fields %}'{{ f[0] }}', {{ f[1] }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- else -%}
cast(to_json(struct_pack({% for f in fields %}{{ f[0] }} := {{ f[1] }}{% if not loop.last %}, {% endif %}{% endfor %})) as varchar)
{%- endif -%}
{%- endmacro %}

{#- One field of a JSON object text, as text (NULL when absent or null). -#}
{% macro json_text(expr, key) -%}
{%- if target.type == 'spark' -%}
get_json_object({{ expr }}, '$.{{ key }}')
{%- else -%}
json_extract_string({{ expr }}, '$.{{ key }}')
{%- endif -%}
{%- endmacro %}
