-- Email platform events by address: send, open, click, unsubscribe.
with source as (
    {{ deduplicated(source('bronze', 'email_engagement'), ['type', 'email', 'campaign_id', 'ts']) }}
)
select
    lower(type) as event_type,
    {{ normalized_email('email') }} as email,
    {{ clean_text('email') }} is not null and {{ normalized_email('email') }} is null as email_invalid,
    campaign_id,
    ts as event_at,
    _source_file,
    _source_line
from source
