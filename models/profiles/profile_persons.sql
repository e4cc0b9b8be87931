-- The persons a golden profile is built for: those with at least one hard identifier (a customer number, email,
-- phone, loyalty card or order). Persons known only by cookies, devices and sessions stay anonymous. One row per
-- person with their identifiers, per type.
{% set hard_identifiers = ['customer_number', 'email', 'phone', 'loyalty_card', 'order_id'] %}
select
    person_id,
    {{ array_agg_distinct("case when identifier_type = 'customer_number' then identifier_value end") }} as customer_numbers,
    {{ array_agg_distinct("case when identifier_type = 'email' then identifier_value end") }} as emails,
    {{ array_agg_distinct("case when identifier_type = 'phone' then identifier_value end") }} as phones,
    {{ array_agg_distinct("case when identifier_type = 'loyalty_card' then identifier_value end") }} as loyalty_cards,
    count(*) filter (where identifier_type = 'cookie') as cookie_count,
    count(*) filter (where identifier_type = 'device') as device_count,
    count(*) filter (where identifier_type = 'order_id') as order_id_count,
    bool_or(is_soft) as has_soft_links,
    min(first_seen_at) as identified_at
from {{ source('identity', 'person_map') }}
group by person_id
having count(*) filter (where identifier_type in ({% for t in hard_identifiers %}'{{ t }}'{% if not loop.last %}, {% endif %}{% endfor %})) > 0
