

top-macro
odd even<a odd<b 
Z True True
1
a True
['ID', 'NAME', 'EMAIL'] [1, 2]
[1]
