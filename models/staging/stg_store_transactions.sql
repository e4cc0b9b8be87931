-- Till lines: one row per line; the loyalty card only when the customer presented it.
with source as (
    {{ deduplicated(source('bronze', 'store_transactions'), ['transaction_id', 'line_number']) }}
)
select
    transaction_id,
    line_number,
    store_id,
    "timestamp" as sold_at,
    {{ clean_text('loyalty_card') }} as loyalty_card,
    sku,
    size,
    quantity,
    unit_price,
    quantity * unit_price as line_amount,
    currency,
    _source_file,
    _source_line
from source
