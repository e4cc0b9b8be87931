
cast(a as varchar)
cast(b as int)
cast(c as varchar) as c2
cast(d as date) as d2
CAST(E AS VARCHAR)
cast(f as varchar)!
