{#- SQL that DuckDB and PostgreSQL spell differently, through adapter.dispatch:
    default__ is DuckDB's spelling, postgres__ PostgreSQL's. -#}

{#- The value of the row with the highest order_by in a group (DuckDB's arg_max). -#}
{% macro last_by(value, order_by) -%}
    {{ return(adapter.dispatch('last_by')(value, order_by)) }}
{%- endmacro %}

{% macro default__last_by(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro postgres__last_by(value, order_by) -%}
    (array_agg({{ value }} order by {{ order_by }} desc nulls last))[1]
{%- endmacro %}
