{{ not rendered }} {% if %}
ab

c d e{{ x }}
