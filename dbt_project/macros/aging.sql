{#- The aging buckets, defined once: (name, first day past due, last day past due or none).
    fct_invoices labels each open invoice with aging_bucket(); fct_ar_aging pivots on the names. -#}
{% macro aging_buckets() -%}
    {{ return([
        ('current', none, 0),
        ('1_30', 1, 30),
        ('31_60', 31, 60),
        ('61_90', 61, 90),
        ('90_plus', 91, none),
    ]) }}
{%- endmacro %}

{% macro aging_bucket(days_past_due) -%}
    case
    {%- for name, low, high in aging_buckets() %}
        {%- if high is not none %}
        when {{ days_past_due }} <= {{ high }} then '{{ name }}'
        {%- else %}
        else '{{ name }}'
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}

{#- Whole days after the due date; 0 while not yet due. -#}
{% macro days_past_due(due_date, as_of) -%}
    {{ larger_of(dbt.datediff(due_date, as_of, 'day'), 0) }}
{%- endmacro %}
