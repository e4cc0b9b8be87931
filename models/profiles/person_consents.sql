-- The consent state of each person per channel and purpose: the latest decision given under any of the person's
-- identifiers (an email, a phone, a customer number). A denial and a grant at the same moment resolve to denied.
-- One row per (person_id, channel, purpose) that has a decision; no row means never asked.
select
    m.person_id,
    c.channel,
    c.purpose,
    c.granted,
    c.decided_at,
    c.identifier_type,
    c.identifier_value,
    c.consent_source
from {{ ref('stg_consents') }} as c
join {{ source('identity', 'person_map') }} as m
    on m.identifier_type = c.identifier_type and m.identifier_value = c.identifier_value
where c.channel is not null and c.purpose is not null and c.granted is not null
qualify row_number() over (
    partition by m.person_id, c.channel, c.purpose
    order by c.decided_at desc nulls last, c.granted, c.identifier_type, c.identifier_value, c.consent_source
) = 1
