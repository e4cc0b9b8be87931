-- One golden profile per known person (profile_persons): the surviving value of each attribute by the rules of
-- vars.survivorship in cdp.yml, with the source it came from and when that source observed it; the person's
-- identifiers; first and last seen; consent per channel and purpose; and whether the person can be contacted on each
-- channel today.
{% set rules = var('survivorship') %}
{%- for required in ['email', 'phone'] %}{% if required not in rules %}
{{ exceptions.raise_compiler_error("vars.survivorship in cdp.yml has no rule for '" ~ required ~ "': golden_profiles needs one (contactability reads it)") }}
{%- endif %}{% endfor %}
{%- set consent_purposes = [['email', 'marketing'], ['email', 'profiling'], ['sms', 'marketing'], ['ads', 'ad_user_data'], ['ads', 'ad_personalization']] %}
with persons as (
    select * from {{ ref('profile_persons') }}
),
{%- for attribute, rule in rules.items() %}
survived_{{ attribute }} as (
    {{ survive(ref('profile_attribute_candidates'), attribute, rule) | indent(4) }}
),
{%- endfor %}
activity as (
    select person_id, min(activity_at) as first_seen_at, max(activity_at) as last_seen_at
    from {{ ref('person_activity') }}
    group by person_id
),
consents as (
    select
        person_id,
        {%- for c in consent_purposes %}
        bool_or(granted) filter (where channel = '{{ c[0] }}' and purpose = '{{ c[1] }}') as {{ c[0] }}_{{ c[1] }}_consent,
        max(decided_at) filter (where channel = '{{ c[0] }}' and purpose = '{{ c[1] }}') as {{ c[0] }}_{{ c[1] }}_consent_at,
        {%- endfor %}
        list({'channel': channel, 'purpose': purpose, 'granted': granted, 'decided_at': decided_at, 'source': consent_source} order by channel, purpose) as consents
    from {{ ref('person_consents') }}
    group by person_id
),
unsubscribes as (
    -- An unsubscribe from any of the person's addresses, as the email platform recorded it.
    select m.person_id, max(e.event_at) as unsubscribed_at
    from {{ ref('stg_email_engagement') }} as e
    join {{ person_map('email') }} as m on m.identifier_value = e.email
    where e.event_type = 'unsubscribe'
    group by m.person_id
),
profiles as (
    select
        p.person_id,
        {%- for attribute, rule in rules.items() %}
        {%- if rule.get('fields') %}
        {%- for field in rule.get('fields') %}
        {{ json_text('survived_' ~ attribute ~ '.value', field) }} as {{ field }},
        {%- endfor %}
        {%- else %}
        try_cast(survived_{{ attribute }}.value as {{ rule.get('type', 'varchar') }}) as {{ attribute }},
        {%- endif %}
        survived_{{ attribute }}.source as {{ attribute }}_source,
        survived_{{ attribute }}.observed_at as {{ attribute }}_observed_at,
        {%- endfor %}
        p.customer_numbers,
        p.emails,
        p.phones,
        p.loyalty_cards,
        p.cookie_count,
        p.device_count,
        p.has_soft_links,
        a.first_seen_at,
        a.last_seen_at,
        {%- for c in consent_purposes %}
        consents.{{ c[0] }}_{{ c[1] }}_consent,
        consents.{{ c[0] }}_{{ c[1] }}_consent_at,
        {%- endfor %}
        coalesce(consents.consents, []) as consents,
        u.unsubscribed_at
    from persons as p
    {%- for attribute in rules %}
    left join survived_{{ attribute }} on survived_{{ attribute }}.person_id = p.person_id
    {%- endfor %}
    left join activity as a on a.person_id = p.person_id
    left join consents on consents.person_id = p.person_id
    left join unsubscribes as u on u.person_id = p.person_id
)
select
    *,
    -- Email: an address that survived (a valid one: invalid addresses are never candidates), marketing consent
    -- granted, and no unsubscribe at the email platform since that grant.
    coalesce(
        email is not null
        and email_marketing_consent
        and (unsubscribed_at is null or unsubscribed_at < email_marketing_consent_at),
        false
    ) as contactable_email,
    -- SMS: a valid phone and SMS marketing consent granted.
    coalesce(phone is not null and sms_marketing_consent, false) as contactable_sms,
    -- Ads: both Google/Meta consent purposes granted, and an email or phone for the platform to match (hashed).
    coalesce((email is not null or phone is not null) and ads_ad_user_data_consent and ads_ad_personalization_consent, false) as contactable_ads
from profiles
