-- App events: a device id on every event, the customer number once logged in.
with source as (
    {{ deduplicated(source('bronze', 'app_events'), ['event_id']) }}
)
select
    event_id,
    ts as event_at,
    lower(type) as event_type,
    device_id,
    lower(platform) as platform,
    session_id,
    {{ clean_text('customer_number') }} as customer_number,
    screen,
    sku,
    size,
    quantity,
    order_id,
    _source_file,
    _source_line
from source
