-- The person's open cart across devices: the products added to a cart on the web or in the app, on any of the
-- person's cookies and devices, that were not checked out. An add is checked out when its session has a checkout
-- at or after it; any later purchase by the person (a checkout on another device, an e-shop order, a till
-- transaction) closes every earlier cart too. Adds older than vars.cart_max_age_days before the person's latest
-- add are dropped. One row per person with an open cart; items per (sku, size) with the quantities added summed, the
-- device of the latest add, and what a reminder shows: name, price, image and whether the size asked for is in stock.
-- Complementary products (stg_product_complements) that are not in the cart and have a size in stock are suggested,
-- strongest first, at most 3.
-- Cross-device resume: when the person was seen on the other channel (web or app) after the cart's latest add, the
-- cart can be offered there (cart_resume_channel); null when the person came back on the same channel or not at all.
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
),
-- The person's latest web or app event of any kind, on a person-mapped session.
last_seen as (
    select person_id, arg_max(channel, event_at) as channel, max(event_at) as seen_at
    from (
        select m.person_id, 'web' as channel, e.event_at
        from {{ ref('stg_web_events') }} as e
        join {{ person_map('web_session') }} as m on m.identifier_value = e.session_id
        union all
        select m.person_id, 'app', e.event_at
        from {{ ref('stg_app_events') }} as e
        join {{ person_map('app_session') }} as m on m.identifier_value = e.session_id
    )
    group by person_id
),
-- One in-stock size per complementary product: the cheapest (the easiest add-on), ties to the smaller size name.
complement_offers as (
    select sku, size, name, price, currency, image_url, stock
    from {{ ref('stg_products') }}
    where coalesce(stock, 0) > 0
    qualify row_number() over (partition by sku order by price, size) = 1
),
complements as (
    select person_id, list(offer order by strength desc, offer.sku) as cart_complements
    from (
        select
            c.person_id,
            c.strength,
            {
                'sku': o.sku, 'size': o.size, 'name': o.name, 'reason': c.reason,
                'price': {{ to_reporting_currency('o.price', 'o.currency') }}, 'image_url': o.image_url
            } as offer
        from (
            select i.person_id, pc.complement_sku, max(pc.strength) as strength, arg_max(pc.reason, pc.strength) as reason
            from (select distinct person_id, sku from items) as i
            join {{ ref('stg_product_complements') }} as pc on pc.sku = i.sku
            where not exists (select 1 from items as x where x.person_id = i.person_id and x.sku = pc.complement_sku)
            group by i.person_id, pc.complement_sku
        ) as c
        join complement_offers as o on o.sku = c.complement_sku
        qualify row_number() over (partition by c.person_id order by c.strength desc, o.sku) <= 3
    )
    group by person_id
),
carts as (
    select
        items.person_id,
        max(items.added_at) as cart_updated_at,
        arg_max(items.channel, items.added_at) as cart_channel,
        count(*) as cart_item_count,
        count(*) filter (where products.stock >= items.quantity) as cart_in_stock_item_count,
        sum(items.quantity) as cart_quantity,
        sum({{ to_reporting_currency('items.quantity * products.price', 'products.currency') }}) as cart_value,
        list({
            'sku': items.sku, 'size': items.size, 'quantity': items.quantity, 'added_at': items.added_at,
            'channel': items.channel, 'device_id': items.device_id, 'name': products.name,
            'unit_price': {{ to_reporting_currency('products.price', 'products.currency') }}, 'image_url': products.image_url,
            'in_stock': coalesce(products.stock >= items.quantity, false)
        } order by items.added_at desc, items.sku, items.size) as cart_items
    from items
    left join {{ ref('stg_products') }} as products on products.sku = items.sku and products.size = items.size
    group by items.person_id
)
select
    carts.*,
    coalesce(complements.cart_complements, []) as cart_complements,
    case when last_seen.seen_at > carts.cart_updated_at and last_seen.channel <> carts.cart_channel then last_seen.channel end
        as cart_resume_channel
from carts
left join complements on complements.person_id = carts.person_id
left join last_seen on last_seen.person_id = carts.person_id
