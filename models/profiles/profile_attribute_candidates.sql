-- Every value a person's records give for a profile attribute, one row per (person, attribute, value, source,
-- record): the input of survivorship (golden_profiles), so the rules of vars.survivorship in cdp.yml read as one
-- query. Values are the staging models' cleaned ones (emails and phones normalised; invalid ones are NULL and not
-- candidates). An address is one JSON value so that it survives as a block.
with crm as (
    select m.person_id, c.*
    from {{ ref('stg_crm_customers') }} as c
    join {{ person_map('customer_number') }} as m on m.identifier_value = c.customer_number
),
loyalty as (
    select m.person_id, l.*
    from {{ ref('stg_loyalty_members') }} as l
    join {{ person_map('loyalty_card') }} as m on m.identifier_value = l.card_number
),
orders as (
    select m.person_id, o.*
    from {{ ref('stg_eshop_orders') }} as o
    join {{ person_map('order_id') }} as m on m.identifier_value = o.order_id
),
candidates as (
    select person_id, 'first_name' as attribute, first_name as value, 'crm' as source, created_at as observed_at, customer_number as record_key from crm
    union all select person_id, 'last_name', last_name, 'crm', created_at, customer_number from crm
    union all select person_id, 'birth_date', cast(birth_date as varchar), 'crm', created_at, customer_number from crm
    union all select person_id, 'email', email, 'crm', created_at, customer_number from crm
    union all select person_id, 'phone', phone, 'crm', created_at, customer_number from crm
    union all
    select person_id, 'address',
        case when coalesce(street, postcode, city) is not null
            then {{ json_object([['street', 'street'], ['postcode', 'postcode'], ['city', 'city'], ['country', 'country']]) }}
        end,
        'crm', created_at, customer_number
    from crm
    union all select person_id, 'email', email, 'loyalty', enrolled_at, card_number from loyalty
    union all select person_id, 'phone', phone, 'loyalty', enrolled_at, card_number from loyalty
    union all select person_id, 'email', email, 'eshop', ordered_at, order_id from orders
    union all
    select person_id, 'address',
        case when coalesce(shipping_postcode, shipping_city) is not null
            then {{ json_object([['street', 'null'], ['postcode', 'shipping_postcode'], ['city', 'shipping_city'], ['country', 'shipping_country']]) }}
        end,
        'eshop', ordered_at, order_id
    from orders
)
select person_id, attribute, value, source, observed_at, record_key
from candidates
where value is not null
