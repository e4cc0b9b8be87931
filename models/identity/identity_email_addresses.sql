-- One row per e-mail address seen in the CRM, the loyalty programme or a guest checkout, with the postcode and city
-- it was most often given with. Read by the probabilistic matching rule identity.matching.email_typos (cdp.yml): a
-- guest who mistyped their address (cdubois -> cduois) at the same postcode is the same person.
with seen as (
    select email, postcode, city from {{ ref('stg_crm_customers') }} where email is not null and not email_invalid
    union all
    select email, shipping_postcode, shipping_city from {{ ref('stg_eshop_orders') }} where email is not null
    union all
    select l.email, c.postcode, c.city
    from {{ ref('stg_loyalty_members') }} l left join {{ ref('stg_crm_customers') }} c on c.customer_number = l.customer_number
    where l.email is not null and not l.email_invalid
),
places as (
    select email, postcode, city, count(*) as times from seen where postcode is not null group by all
)
select
    e.email,
    regexp_replace(split_part(e.email, '@', 1), '[^a-z]', '', 'g') as email_name,
    split_part(e.email, '@', 2) as email_domain,
    arg_max(p.postcode, p.times) as postcode,
    arg_max(p.city, p.times) as city
from (select distinct email from seen) e
left join places p on p.email = e.email
group by e.email
