hello world
HELLO WORLD
[padded]
a_b_c
Hello world
Hello Big-World
a, b, c
ab
x|y
3 2 1
5 7 x
line1
  line2
cba [3, 2, 1]
