select distinct sku, complement_sku, reason, strength
from {{ source('bronze', 'product_complements') }}
