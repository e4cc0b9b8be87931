-- The catalogue: one row per SKU and size, with content and usage duration (what replenishment is computed from).
select sku, name, lower(category) as category, size, content, unit, usage_days, price, currency, stock, image_url
from {{ source('bronze', 'products') }}
qualify row_number() over (partition by sku, size order by _ingested_at desc) = 1
