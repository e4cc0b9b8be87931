select round(amount / 100.0, 2) as dollars,
  round(tax / 100.0, 4) as tax,
  c.id, c.name, c.email
from lake.analytics.customers
round(x / 100.0, 2)
