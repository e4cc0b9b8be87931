
id:int, name:varchar
id name 
['id', 'name'] ['int', 'varchar'] int dflt None
varchar varchar
3 7 
materialized=table
