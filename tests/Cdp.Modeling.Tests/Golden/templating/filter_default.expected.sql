fallback
short
None
[empty]
[]
no key
customers
deep
|
