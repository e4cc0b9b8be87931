


[hello] [3]
[
  select hello
]
[select hello]
inner1 inner2 
after loop: hello
leaked: yes
