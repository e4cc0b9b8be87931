1/3 0 3 True False id
2/3 1 2 False False name
3/3 2 1 False True email

