/* grain: one row per entity x customer x document currency with open invoices as of as_of */

with invoices as (

    select * from {{ ref('fct_invoices') }}
    where is_open

),

final as (

    select
        entity_id,
        customer_id,
        currency,
        functional_currency,
        max(as_of_date)                                                   as as_of_date,
        count(*)                                                          as open_invoices,
        {%- for name, low, high in aging_buckets() %}
        {{ money("coalesce(sum(case when aging_bucket = '" ~ name ~ "' then open_amount end), 0)") }}
            as bucket_{{ name }},
        {%- endfor %}
        {{ money('sum(open_amount)') }}                                   as total_open,
        {%- for name, low, high in aging_buckets() %}
        {{ money("coalesce(sum(case when aging_bucket = '" ~ name ~ "' then open_amount_functional end), 0)") }}
            as bucket_{{ name }}_functional,
        {%- endfor %}
        {{ money('sum(open_amount_functional)') }}                        as total_open_functional
    from invoices
    group by entity_id, customer_id, currency, functional_currency

)

select * from final
