
2 ['a', 'b']

early late
