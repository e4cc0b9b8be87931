-- Every purchase of a person, one row per e-shop order or till transaction. Cancelled and returned orders are not
-- purchases. An order's amount is its merchandise (the total without the shipping fee); a transaction's is the sum
-- of its lines. `amount` is in the purchase's currency, `amount_reporting` in vars.reporting_currency through
-- vars.fx_rates.
with orders as (
    select
        m.person_id,
        o.order_id as purchase_id,
        'eshop' as purchase_channel,
        o.ordered_at as purchased_at,
        o.currency,
        o.total - coalesce(o.shipping_fee, 0) as amount
    from {{ ref('stg_eshop_orders') }} as o
    join {{ person_map('order_id') }} as m on m.identifier_value = o.order_id
    where coalesce(o.status, '') not in ('cancelled', 'returned')
),
transactions as (
    select
        m.person_id,
        t.transaction_id as purchase_id,
        'store' as purchase_channel,
        min(t.sold_at) as purchased_at,
        min(t.currency) as currency,
        sum(t.line_amount) as amount
    from {{ ref('stg_store_transactions') }} as t
    join {{ person_map('store_transaction') }} as m on m.identifier_value = t.transaction_id
    group by m.person_id, t.transaction_id
),
purchases as (
    select * from orders
    union all
    select * from transactions
)
select *, {{ to_reporting_currency('amount', 'currency') }} as amount_reporting
from purchases
