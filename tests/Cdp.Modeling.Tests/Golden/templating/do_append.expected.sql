


id_x, email_x, z


total=6
{'a': 1}
