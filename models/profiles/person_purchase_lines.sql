-- Every product line a person bought, one row per line of a purchase (person_purchases), with the catalogue's
-- category and usage duration (stg_products, on sku and size); amounts in vars.reporting_currency.
with order_lines as (
    select p.person_id, p.purchase_id, p.purchase_channel, p.purchased_at, l.line_number, l.sku, l.size, l.quantity, l.line_amount, p.currency
    from {{ ref('person_purchases') }} as p
    join {{ ref('stg_eshop_order_lines') }} as l on l.order_id = p.purchase_id
    where p.purchase_channel = 'eshop'
),
till_lines as (
    select p.person_id, p.purchase_id, p.purchase_channel, p.purchased_at, t.line_number, t.sku, t.size, t.quantity, t.line_amount, t.currency
    from {{ ref('person_purchases') }} as p
    join {{ ref('stg_store_transactions') }} as t on t.transaction_id = p.purchase_id
    where p.purchase_channel = 'store'
),
lines as (
    select * from order_lines
    union all
    select * from till_lines
)
select
    lines.*,
    {{ to_reporting_currency('lines.line_amount', 'lines.currency') }} as line_amount_reporting,
    products.name as product_name,
    products.category,
    products.usage_days
from lines
left join {{ ref('stg_products') }} as products on products.sku = lines.sku and products.size = lines.size
