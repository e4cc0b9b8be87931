{{ config(materialized='view') }}
-- The golden profile and the traits of each known person side by side: what audiences and lookups read.
select profiles.*, traits.* exclude (person_id)
from {{ ref('golden_profiles') }} as profiles
join {{ ref('customer_traits') }} as traits on traits.person_id = profiles.person_id
