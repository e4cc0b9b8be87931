one
two
other
even

empty list is falsy
string truthy
both falsy
