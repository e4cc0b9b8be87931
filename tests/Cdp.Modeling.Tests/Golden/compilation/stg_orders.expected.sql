
select id, round(amount_cents / 100.0, 2) as amount, round(tax_cents / 100.0, 0) as tax, country
from "bronze"."shop_orders"
where country = 'FR'