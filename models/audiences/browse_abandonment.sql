-- Browse abandonment: people who viewed products on the web or in the app during the last 7 days of the data and,
-- since their first product view in those days, put nothing in a cart and bought nothing (online or in a store).
-- An audience written as SQL: cdp.yml's audiences.definitions.browse_abandonment takes its members from this model
-- ({model: browse_abandonment}); the audience layer adds consent, holdouts, export fields and arbitration.
with data_end as (
    select max(activity_at) as last_activity from {{ ref('person_activity') }}
),
views as (
    select a.person_id, min(a.activity_at) as first_view_at, max(a.activity_at) as last_view_at, count(*) as product_views
    from {{ ref('person_activity') }} as a, data_end as d
    where a.activity_type = 'product_view'
      and a.channel in ('web', 'app')
      and a.activity_at > d.last_activity - interval 7 day
    group by a.person_id
),
went_on as (
    select distinct v.person_id
    from views as v
    join {{ ref('person_activity') }} as a on a.person_id = v.person_id
    where a.activity_type in ('add_to_cart', 'checkout', 'order', 'store_purchase')
      and a.activity_at >= v.first_view_at
)
select v.person_id, v.first_view_at, v.last_view_at, v.product_views
from views as v
where v.person_id not in (select person_id from went_on)
