{#- Helpers shared by the staging models. -#}

{#- An ISO 3166 alpha-2 country code from the ways silos write countries (FR, fr, France, Deutschland, ...). -#}
{% macro country_code(expr) -%}
case upper(trim({{ expr }}))
    when 'FRANCE' then 'FR' when 'DEUTSCHLAND' then 'DE' when 'GERMANY' then 'DE'
    when 'ESPAÑA' then 'ES' when 'ESPANA' then 'ES' when 'SPAIN' then 'ES'
    when 'UNITED KINGDOM' then 'GB' when 'UK' then 'GB' when 'GREAT BRITAIN' then 'GB'
    else nullif(upper(trim({{ expr }})), '')
end
{%- endmacro %}

{#- NULL for the empty and placeholder values systems type when they have nothing to type. -#}
{% macro clean_text(expr) -%}
case when lower(trim({{ expr }})) in ('', 'n/a', 'na', 'null', 'none', '-', 'unknown') then null else trim({{ expr }}) end
{%- endmacro %}

{#- Email for matching: trimmed, lower-cased, NULL when not shaped like an address. -#}
{% macro normalized_email(expr) -%}
cdp_normalize_email({{ clean_text(expr) }})
{%- endmacro %}

{#- Phone for matching in E.164, national formats read in the row's country, else the project's default region. -#}
{% macro normalized_phone(expr, country_expr=none) -%}
cdp_normalize_phone({{ clean_text(expr) }}, {% if country_expr %}coalesce({{ country_expr }}, '{{ var("default_phone_region", "FR") }}'){% else %}'{{ var("default_phone_region", "FR") }}'{% endif %})
{%- endmacro %}

{#- Postcode for matching: upper case without spaces. -#}
{% macro normalized_postcode(expr) -%}
nullif(upper(replace({{ clean_text(expr) }}, ' ', '')), '')
{%- endmacro %}

{#- The business columns of a bronze table without its lineage, for removing rows landed twice with the same content. -#}
{% macro deduplicated(relation, key_columns) -%}
select * exclude (_duplicate_rank)
from (
    select *, row_number() over (partition by {{ key_columns | join(', ') }} order by _ingested_at, _source_file, _source_line) as _duplicate_rank
    from {{ relation }}
)
where _duplicate_rank = 1
{%- endmacro %}

{#- The current version of each key in an append-only bronze table that keeps every version of a row (a PostgreSQL
    source lands an updated row again): per key, the row with the greatest order column, e.g.
    latest_by_key(source('bronze', 'crm_customers'), ['id'], 'updated_at'). Lineage columns break ties. -#}
{% macro latest_by_key(relation, key_columns, order_column) -%}
select *
from {{ relation }}
qualify row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_column }} desc, _ingested_at desc, _source_line desc) = 1
{%- endmacro %}
