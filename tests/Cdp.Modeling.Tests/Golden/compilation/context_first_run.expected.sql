
-- target dev / analytics / duckdb
-- run 3f2a9c1e-0000-4000-8000-000000000001 at 2026-03-14 15:09:26.535000+00:00 (2026-03-14)
-- env eu / set-by-env
-- this "analytics"."context" (analytics.context)
with "__cdp_ephemeral__eph" AS (
select * from "silver"."stg_orders" where amount > 0
),
recent as (
    select * from "__cdp_ephemeral__eph"
    
)
select * from recent limit 10 -- no note