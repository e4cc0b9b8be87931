-- Web events: a cookie on every event, the customer number once logged in.
{% set event_types = ['page_view', 'product_view', 'add_to_cart', 'checkout'] %}
with source as (
    {{ deduplicated(source('bronze', 'web_events'), ['event_id']) }}
)
select
    event_id,
    ts as event_at,
    lower(type) as event_type,
    cookie_id,
    session_id,
    {{ clean_text('customer_number') }} as customer_number,
    url,
    sku,
    size,
    quantity,
    order_id,
    lower(type) not in ({% for t in event_types %}'{{ t }}'{% if not loop.last %}, {% endif %}{% endfor %}) as event_type_unknown,
    _source_file,
    _source_line
from source
