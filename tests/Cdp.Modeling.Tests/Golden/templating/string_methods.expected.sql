mixed MIXED [s] ['a', 'b', 'c'] ['a', 'b', 'c']
a+b True False
a_1 x, y 2
