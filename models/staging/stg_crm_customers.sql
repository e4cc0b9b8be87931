-- CRM customers: one row per customer number as exported (duplicates of a person across customer numbers stay:
-- identity resolution merges them), identifiers normalised for matching, invalid ones flagged, never dropped.
with source as (
    {{ deduplicated(source('bronze', 'crm_customers'), ['customer_number', 'first_name', 'last_name', 'email', 'phone', 'street', 'postcode', 'city', 'country', 'birth_date', 'created_at']) }}
),
typed as (
    select
        {{ clean_text('customer_number') }} as customer_number,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('email') }} as email_raw,
        {{ clean_text('phone') }} as phone_raw,
        {{ clean_text('street') }} as street,
        {{ clean_text('postcode') }} as postcode_raw,
        {{ clean_text('city') }} as city,
        {{ country_code('country') }} as country,
        try_cast({{ clean_text('birth_date') }} as date) as birth_date,
        created_at,
        _source_file,
        _source_line
    from source
)
select
    customer_number,
    first_name,
    last_name,
    cdp_normalize_name(first_name) as first_name_key,
    cdp_normalize_name(last_name) as last_name_key,
    email_raw,
    {{ normalized_email('email_raw') }} as email,
    phone_raw,
    {{ normalized_phone('phone_raw', 'country') }} as phone,
    street,
    {{ normalized_postcode('postcode_raw') }} as postcode,
    city,
    country,
    birth_date,
    created_at,
    email_raw is not null and {{ normalized_email('email_raw') }} is null as email_invalid,
    phone_raw is not null and {{ normalized_phone('phone_raw', 'country') }} is null as phone_invalid,
    _source_file,
    _source_line
from typed
