-- The traits of each known person in one row: person_traits, the open cart across devices (person_last_cart) and the
-- products due for replenishment (person_replenishment, soonest first).
with due as (
    select
        person_id,
        list({'sku': sku, 'size': size, 'product_name': product_name, 'due_on': due_on, 'days_until_due': days_until_due}
            order by due_on, sku, size) as replenishment_due,
        min(due_on) as next_replenishment_on
    from {{ ref('person_replenishment') }}
    where is_due
    group by person_id
)
select
    traits.*,
    cart.cart_updated_at,
    coalesce(cart.cart_item_count, 0) as cart_item_count,
    cart.cart_value,
    coalesce(cart.cart_items, []) as cart_items,
    coalesce(cart.cart_in_stock_item_count, 0) as cart_in_stock_item_count,
    coalesce(cart.cart_complements, []) as cart_complements,
    cart.cart_channel,
    cart.cart_resume_channel,
    coalesce(due.replenishment_due, []) as replenishment_due,
    due.next_replenishment_on
from {{ ref('person_traits') }} as traits
left join {{ ref('person_last_cart') }} as cart on cart.person_id = traits.person_id
left join due on due.person_id = traits.person_id
