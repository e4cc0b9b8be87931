single double esc'aped tab	here
42 -7 1000
1.5 2.0 1000.0 0.30000000000000004 1e-07
True False True False
None None
[1, 'two', 3.0, None, True]
(1, 'a') ('solo',) ()
{'k': 'v', 'n': 1}
[] {}
["it's"]
