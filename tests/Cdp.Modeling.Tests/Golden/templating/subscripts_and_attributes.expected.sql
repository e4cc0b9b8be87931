id email ['name', 'email'] ['id'] el [1, 3] name
table analytics customers table
