select store_id, name, city, {{ normalized_postcode('postcode') }} as postcode, {{ country_code('country') }} as country, format, opened_on, currency
from {{ source('bronze', 'stores') }}
qualify row_number() over (partition by store_id order by _ingested_at desc) = 1
