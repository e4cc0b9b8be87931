with source as (
    {{ deduplicated(source('bronze', 'eshop_order_lines'), ['order_id', 'line_number']) }}
)
select order_id, line_number, sku, size, quantity, unit_price, quantity * unit_price as line_amount, _source_file, _source_line
from source
