-- The person's open cart across devices: the products added to a cart on the web or in the app, on any of the
-- person's cookies and devices, that were not checked out. An add is checked out when its session has a checkout
-- at or after it; any later purchase by the person (a checkout on another device, an e-shop order, a till
-- transaction) closes every earlier cart too. Adds older than vars.cart_max_age_days before the person's latest
-- add are dropped. One row per person with an open cart; items per (sku, size) with the quantities added summed and
-- the device of the latest add.
with events as (
    select m.person_id, 'web' as channel, e.cookie_id as device_id, e.session_id, e.event_type, e.event_at, e.sku, e.size, e.quantity
    from {{ ref('stg_web_events') }} as e
    join {{ person_map('web_session') }} as m on m.identifier_value = e.session_id
    where e.event_type in ('add_to_cart', 'checkout')
    union all
    select m.person_id, 'app', e.device_id, e.session_id, e.event_type, e.event_at, e.sku, e.size, e.quantity
    from {{ ref('stg_app_events') }} as e
    join {{ person_map('app_session') }} as m on m.identifier_value = e.session_id
    where e.event_type in ('add_to_cart', 'checkout')
),
session_checkouts as (
    select channel, session_id, max(event_at) as checked_out_at
    from events
    where event_type = 'checkout'
    group by channel, session_id
),
last_purchases as (
    select person_id, max(purchased_at) as last_purchase_at
    from (
        select person_id, event_at as purchased_at from events where event_type = 'checkout'
        union all
        select person_id, activity_at from {{ ref('person_activity') }} where activity_type in ('order', 'store_purchase')
    )
    group by person_id
),
open_adds as (
    select a.*
    from events as a
    left join session_checkouts as s on s.channel = a.channel and s.session_id = a.session_id
    left join last_purchases as p on p.person_id = a.person_id
    where a.event_type = 'add_to_cart'
      and a.sku is not null
      and (s.checked_out_at is null or s.checked_out_at < a.event_at)
      and (p.last_purchase_at is null or p.last_purchase_at < a.event_at)
    qualify a.event_at >= max(a.event_at) over (partition by a.person_id) - to_days({{ var('cart_max_age_days', 30) }})
),
items as (
    select
        person_id,
        sku,
        size,
        sum(coalesce(quantity, 1)) as quantity,
        max(event_at) as added_at,
        arg_max(channel, event_at) as channel,
        arg_max(device_id, event_at) as device_id
    from open_adds
    group by person_id, sku, size
)
select
    items.person_id,
    max(items.added_at) as cart_updated_at,
    count(*) as cart_item_count,
    sum(items.quantity) as cart_quantity,
    sum({{ to_reporting_currency('items.quantity * products.price', 'products.currency') }}) as cart_value,
    list({
        'sku': items.sku, 'size': items.size, 'quantity': items.quantity, 'added_at': items.added_at,
        'channel': items.channel, 'device_id': items.device_id
    } order by items.added_at desc, items.sku, items.size) as cart_items
from items
left join {{ ref('stg_products') }} as products on products.sku = items.sku and products.size = items.size
group by items.person_id
