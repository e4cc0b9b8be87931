10 4 21 3.5 3 -4 1 2 1024
7 9 5 18
a1None abcd abab [1, 2]
True False True True False False True True
True True True True False
False True False fallback y []
yes no []
7.0 3.5 2.5
