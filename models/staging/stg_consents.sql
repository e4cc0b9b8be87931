-- Consent events per identifier, channel and purpose; the identifier normalised like everywhere else so that
-- consents join the identity graph.
with source as (
    {{ deduplicated(source('bronze', 'consents'), ['identifier_type', 'identifier_value', 'channel', 'purpose', 'status', 'timestamp', 'source']) }}
)
select
    lower(identifier_type) as identifier_type,
    case lower(identifier_type)
        when 'email' then {{ normalized_email('identifier_value') }}
        when 'phone' then {{ normalized_phone('identifier_value') }}
        else {{ clean_text('identifier_value') }}
    end as identifier_value,
    lower(channel) as channel,
    lower(purpose) as purpose,
    lower(status) = 'granted' as granted,
    "timestamp" as decided_at,
    source as consent_source,
    _source_file,
    _source_line
from source
