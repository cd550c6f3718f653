{#- The date every "as of" question is asked at: var('as_of') (YYYY-MM-DD), else the run's UTC date.
    Nothing dated after it counts, so a past as_of reproduces that day's numbers. -#}
{% macro as_of_date() -%}
    {%- set raw = var('as_of', run_started_at.strftime('%Y-%m-%d')) | string -%}
    {%- set parsed = modules.re.match('^\d{4}-\d{2}-\d{2}$', raw) -%}
    {%- if not parsed -%}
        {{ exceptions.raise_compiler_error(
            "var as_of must be a date written YYYY-MM-DD, got '" ~ raw ~ "'. "
            ~ "Pass it as --vars '{as_of: \"2026-11-20\"}'.") }}
    {%- endif -%}
    cast('{{ raw }}' as date)
{%- endmacro %}
