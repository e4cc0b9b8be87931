-- E-shop orders: logged-in orders carry the customer number, guest checkouts only an email.
with source as (
    {{ deduplicated(source('bronze', 'eshop_orders'), ['order_id']) }}
)
select
    order_id,
    lower(channel) as channel,
    ordered_at,
    {{ clean_text('customer_number') }} as customer_number,
    {{ normalized_email('email') }} as email,
    {{ clean_text('customer_number') }} is null as is_guest,
    currency,
    total,
    shipping_fee,
    {{ normalized_postcode('shipping_postcode') }} as shipping_postcode,
    shipping_city,
    {{ country_code('shipping_country') }} as shipping_country,
    lower(status) as status,
    _source_file,
    _source_line
from source
