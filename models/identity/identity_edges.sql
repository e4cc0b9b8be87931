-- The identifier graph's edges: one row per record that links two identifiers, from every staged source.
-- `cdp identity run` aggregates them per identifier pair, clusters them under the rules in cdp.yml (identity:)
-- and publishes silver.identity_person_map. Values are the staging models' normalised forms; invalid identifiers
-- (flagged in staging) never link. Types: customer_number, email, phone, loyalty_card (anchors: they name a person),
-- order_id, store_transaction, web_session, app_session (records), cookie, device (soft: possibly shared).
{% set valid_email = "email is not null and not coalesce(email_invalid, false)" %}
{% set valid_phone = "phone is not null and not coalesce(phone_invalid, false)" %}

-- A CRM customer links its number to its e-mail and phone.
select 'customer_number' as left_type, customer_number as left_value, 'email' as right_type, email as right_value,
       'crm_email' as rule, 'stg_crm_customers' as source, customer_number as record_id, created_at as observed_at
from {{ ref('stg_crm_customers') }} where customer_number is not null and {{ valid_email }}
union all
select 'customer_number', customer_number, 'phone', phone, 'crm_phone', 'stg_crm_customers', customer_number, created_at
from {{ ref('stg_crm_customers') }} where customer_number is not null and {{ valid_phone }}

-- A loyalty card links to whichever of customer number, e-mail and phone it was enrolled with.
union all
select 'loyalty_card', card_number, 'customer_number', customer_number, 'loyalty_customer', 'stg_loyalty_members', card_number, enrolled_at
from {{ ref('stg_loyalty_members') }} where card_number is not null and customer_number is not null
union all
select 'loyalty_card', card_number, 'email', email, 'loyalty_email', 'stg_loyalty_members', card_number, enrolled_at
from {{ ref('stg_loyalty_members') }} where card_number is not null and {{ valid_email }}
union all
select 'loyalty_card', card_number, 'phone', phone, 'loyalty_phone', 'stg_loyalty_members', card_number, enrolled_at
from {{ ref('stg_loyalty_members') }} where card_number is not null and {{ valid_phone }}

-- An order links to the logged-in customer, or for a guest checkout to the e-mail given.
union all
select 'order_id', order_id, 'customer_number', customer_number, 'order_customer', 'stg_eshop_orders', order_id, ordered_at
from {{ ref('stg_eshop_orders') }} where order_id is not null and customer_number is not null
union all
select 'order_id', order_id, 'email', email, 'order_guest_email', 'stg_eshop_orders', order_id, ordered_at
from {{ ref('stg_eshop_orders') }} where order_id is not null and customer_number is null and email is not null

-- Web and app: every event ties its session to the browser cookie or the app's device id; a logged-in event ties
-- the session and the cookie or device to the customer; a checkout ties the session to its order.
{% for channel, model, soft, soft_column in [('web', 'stg_web_events', 'cookie', 'cookie_id'), ('app', 'stg_app_events', 'device', 'device_id')] %}
union all
select '{{ channel }}_session', session_id, '{{ soft }}', {{ soft_column }}, '{{ channel }}_{{ soft }}', '{{ model }}', min(event_id), min(event_at)
from {{ ref(model) }} where session_id is not null and {{ soft_column }} is not null group by session_id, {{ soft_column }}
union all
select '{{ channel }}_session', session_id, 'customer_number', customer_number, '{{ channel }}_login', '{{ model }}', min(event_id), min(event_at)
from {{ ref(model) }} where session_id is not null and customer_number is not null group by session_id, customer_number
union all
select '{{ soft }}', {{ soft_column }}, 'customer_number', customer_number, '{{ channel }}_login_{{ soft }}', '{{ model }}', event_id, event_at
from {{ ref(model) }} where {{ soft_column }} is not null and customer_number is not null
union all
select '{{ channel }}_session', session_id, 'order_id', order_id, '{{ channel }}_checkout', '{{ model }}', event_id, event_at
from {{ ref(model) }} where session_id is not null and order_id is not null
{% endfor %}

-- A till transaction links to the loyalty card presented.
union all
select 'store_transaction', transaction_id, 'loyalty_card', loyalty_card, 'store_loyalty_card', 'stg_store_transactions', transaction_id, min(sold_at)
from {{ ref('stg_store_transactions') }} where transaction_id is not null and loyalty_card is not null group by transaction_id, loyalty_card
