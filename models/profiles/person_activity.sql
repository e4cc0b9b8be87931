-- Everything a person did or gave us, one row per record or event, resolved to the person through the record's own
-- key in the identity map: CRM records, loyalty enrolments, e-shop orders, web and app events, till transactions,
-- email opens and clicks (sends are the brand's doing, not the person's). Anonymous persons are included: this is the
-- base of first/last seen and of the `as_of` day.
with crm as (
    select m.person_id, 'crm' as channel, 'customer_record' as activity_type, c.customer_number as record_key, c.created_at as activity_at
    from {{ ref('stg_crm_customers') }} as c
    join {{ person_map('customer_number') }} as m on m.identifier_value = c.customer_number
),
loyalty as (
    select m.person_id, 'loyalty' as channel, 'loyalty_enrolment' as activity_type, l.card_number as record_key, l.enrolled_at as activity_at
    from {{ ref('stg_loyalty_members') }} as l
    join {{ person_map('loyalty_card') }} as m on m.identifier_value = l.card_number
),
orders as (
    select m.person_id, 'eshop' as channel, 'order' as activity_type, o.order_id as record_key, o.ordered_at as activity_at
    from {{ ref('stg_eshop_orders') }} as o
    join {{ person_map('order_id') }} as m on m.identifier_value = o.order_id
),
web as (
    select m.person_id, 'web' as channel, e.event_type as activity_type, e.event_id as record_key, e.event_at as activity_at
    from {{ ref('stg_web_events') }} as e
    join {{ person_map('web_session') }} as m on m.identifier_value = e.session_id
),
app as (
    select m.person_id, 'app' as channel, e.event_type as activity_type, e.event_id as record_key, e.event_at as activity_at
    from {{ ref('stg_app_events') }} as e
    join {{ person_map('app_session') }} as m on m.identifier_value = e.session_id
),
store as (
    select m.person_id, 'store' as channel, 'store_purchase' as activity_type, t.transaction_id as record_key, min(t.sold_at) as activity_at
    from {{ ref('stg_store_transactions') }} as t
    join {{ person_map('store_transaction') }} as m on m.identifier_value = t.transaction_id
    group by all
),
email as (
    -- Email events have no key of their own: campaign, type and time identify one.
    select m.person_id, 'email' as channel, 'email_' || e.event_type as activity_type, e.campaign_id as record_key, e.event_at as activity_at
    from {{ ref('stg_email_engagement') }} as e
    join {{ person_map('email') }} as m on m.identifier_value = e.email
    where e.event_type in ('open', 'click')
)
select * from crm
union all select * from loyalty
union all select * from orders
union all select * from web
union all select * from app
union all select * from store
union all select * from email
