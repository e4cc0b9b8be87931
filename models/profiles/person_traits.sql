-- Purchase and engagement traits of each known person (profile_persons), as of the day of the as_of_date() macro:
-- counts and revenue over e-shop orders and till transactions (vars.reporting_currency), RFM with 1-5 scores over
-- the persons who bought, favourite category by spend, preferred marketing channel, days since last activity.
--
-- Preferred channel: a purchase made within vars.email_attribution_days after a click in one of the person's emails
-- is a conversion by email, any other purchase a conversion elsewhere (ads, search, the store). A person with at least
-- one conversion by email prefers email: they answer it, it costs nothing, and an ad would spend budget on a sale
-- email brings anyway (use case: no Meta retargeting of email converters). A buyer who never converted by email is
-- better reached by ads; a person who never bought has no preference.
with as_of as (
    select {{ as_of_date() }} as as_of
),
purchases as (
    select * from {{ ref('person_purchases') }}
),
spend as (
    select
        person_id,
        count(*) filter (where purchase_channel = 'eshop') as eshop_order_count,
        count(*) filter (where purchase_channel = 'store') as store_purchase_count,
        count(*) as purchase_count,
        sum(amount_reporting) as revenue,
        min(purchased_at) as first_purchase_at,
        max(purchased_at) as last_purchase_at
    from purchases
    where person_id in (select person_id from {{ ref('profile_persons') }})
    group by person_id
),
rfm as (
    select
        spend.*,
        {{ days_between('spend.last_purchase_at', 'as_of.as_of') }} as recency_days,
        -- 5 is best: the most recent, the most frequent, the highest spend; ties broken by person_id to stay stable.
        ntile(5) over (order by spend.last_purchase_at, spend.person_id) as recency_score,
        ntile(5) over (order by spend.purchase_count, spend.last_purchase_at, spend.person_id) as frequency_score,
        ntile(5) over (order by spend.revenue, spend.last_purchase_at, spend.person_id) as monetary_score
    from spend
    cross join as_of
),
categories as (
    select person_id, category as favourite_category, sum(line_amount_reporting) as favourite_category_revenue
    from {{ ref('person_purchase_lines') }}
    where category is not null
    group by person_id, category
    qualify row_number() over (partition by person_id order by sum(line_amount_reporting) desc, max(purchased_at) desc, category) = 1
),
email_clicks as (
    select m.person_id, e.event_at as clicked_at
    from {{ ref('stg_email_engagement') }} as e
    join {{ person_map('email') }} as m on m.identifier_value = e.email
    where e.event_type = 'click'
),
attributed as (
    select
        p.person_id,
        p.purchase_id,
        bool_or(c.clicked_at is not null) as by_email
    from purchases as p
    left join email_clicks as c
        on c.person_id = p.person_id
        and c.clicked_at <= p.purchased_at
        and c.clicked_at >= p.purchased_at - to_days({{ var('email_attribution_days', 7) }})
    group by p.person_id, p.purchase_id
),
conversions as (
    select person_id, count(*) filter (where by_email) as email_conversions, count(*) as purchase_conversions
    from attributed
    group by person_id
),
activity as (
    select person_id, max(activity_at) as last_activity_at
    from {{ ref('person_activity') }}
    group by person_id
)
select
    persons.person_id,
    coalesce(rfm.eshop_order_count, 0) as eshop_order_count,
    coalesce(rfm.store_purchase_count, 0) as store_purchase_count,
    coalesce(rfm.purchase_count, 0) as purchase_count,
    coalesce(rfm.revenue, 0) as revenue,
    rfm.revenue / nullif(rfm.purchase_count, 0) as average_basket,
    '{{ var("reporting_currency", "EUR") }}' as currency,
    rfm.first_purchase_at,
    rfm.last_purchase_at,
    rfm.recency_days,
    coalesce(rfm.purchase_count, 0) as frequency,
    coalesce(rfm.revenue, 0) as monetary,
    rfm.recency_score,
    rfm.frequency_score,
    rfm.monetary_score,
    cast(rfm.recency_score as varchar) || cast(rfm.frequency_score as varchar) || cast(rfm.monetary_score as varchar) as rfm_segment,
    categories.favourite_category,
    categories.favourite_category_revenue,
    coalesce(conversions.email_conversions, 0) as email_conversions,
    coalesce(conversions.purchase_conversions - conversions.email_conversions, 0) as other_conversions,
    case
        when conversions.purchase_conversions is null then null
        when conversions.email_conversions > 0 then 'email'
        else 'ads'
    end as preferred_channel,
    activity.last_activity_at,
    {{ days_between('activity.last_activity_at', 'as_of.as_of') }} as days_since_last_activity,
    as_of.as_of
from {{ ref('profile_persons') }} as persons
cross join as_of
left join rfm on rfm.person_id = persons.person_id
left join categories on categories.person_id = persons.person_id
left join conversions on conversions.person_id = persons.person_id
left join activity on activity.person_id = persons.person_id
