-- When each product a person bought runs out: per (person, sku, size), the last purchase's day plus the catalogue's
-- usage duration times the quantity bought that day (two 50 ml creams lasting 60 days each last 120 days). Due when
-- that day is within vars.replenishment_horizon_days of the as_of_date() day, or already past. Products without a
-- usage duration in the catalogue are left out.
with as_of as (
    select {{ as_of_date() }} as as_of
),
lines as (
    select person_id, sku, size, product_name, category, usage_days, purchased_at, quantity
    from {{ ref('person_purchase_lines') }}
    where usage_days is not null and quantity > 0
),
last_purchases as (
    -- The quantity of the last day the product was bought (several lines or purchases that day add up).
    select
        person_id,
        sku,
        size,
        any_value(product_name) as product_name,
        any_value(category) as category,
        any_value(usage_days) as usage_days,
        max(purchased_at) as last_purchased_at,
        sum(quantity) as quantity
    from lines
    group by person_id, sku, size, cast(purchased_at as date)
    qualify row_number() over (partition by person_id, sku, size order by cast(purchased_at as date) desc) = 1
)
select
    p.person_id,
    p.sku,
    p.size,
    p.product_name,
    p.category,
    p.last_purchased_at,
    p.quantity,
    p.usage_days,
    due.due_on,
    {{ days_between('as_of.as_of', 'due.due_on') }} as days_until_due,
    due.due_on <= cast({{ add_days('as_of.as_of', var('replenishment_horizon_days', 14)) }} as date) as is_due
from last_purchases as p
cross join lateral (select cast({{ add_days('p.last_purchased_at', 'p.usage_days * p.quantity') }} as date) as due_on) as due
cross join as_of
