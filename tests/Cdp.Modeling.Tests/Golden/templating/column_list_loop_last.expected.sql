select

    id,

    name,

    email

from lake.analytics.customers
