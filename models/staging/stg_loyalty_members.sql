-- Loyalty cards: linked to a customer number, or only to an email or phone.
with source as (
    {{ deduplicated(source('bronze', 'loyalty_members'), ['card_number', 'customer_number', 'email', 'phone', 'enrolled_at', 'home_store_id', 'tier', 'points']) }}
)
select
    {{ clean_text('card_number') }} as card_number,
    {{ clean_text('customer_number') }} as customer_number,
    {{ normalized_email('email') }} as email,
    {{ normalized_phone('phone') }} as phone,
    {{ clean_text('email') }} is not null and {{ normalized_email('email') }} is null as email_invalid,
    {{ clean_text('phone') }} is not null and {{ normalized_phone('phone') }} is null as phone_invalid,
    enrolled_at,
    {{ clean_text('home_store_id') }} as home_store_id,
    lower(tier) as tier,
    points,
    _source_file,
    _source_line
from source
