{#- Money is DECIMAL(19,4) next to a currency column, never a float. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(19, 4))
{%- endmacro %}

{#- FX rates: 1 unit of from_currency = rate units of to_currency. -#}
{% macro fx_rate(expression) -%}
    cast({{ expression }} as decimal(18, 10))
{%- endmacro %}

{#- Portable two-argument max/min (not every adapter has greatest/least). -#}
{% macro larger_of(a, b) -%}
    case when {{ a }} >= {{ b }} then {{ a }} else {{ b }} end
{%- endmacro %}

{% macro smaller_of(a, b) -%}
    case when {{ a }} <= {{ b }} then {{ a }} else {{ b }} end
{%- endmacro %}
