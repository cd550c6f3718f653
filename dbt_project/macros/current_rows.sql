{#-
    The current rows of an ERP dataset (see the docs block `current_rows`).

    raw.<dataset> tables are append-only: every loaded file adds its rows, and raw.file_ledger
    has one row per file version. Only files with ledger status 'loaded' count.
      - snapshot: only the rows of the newest loaded file of the dataset (highest load_seq).
      - delta:    a file whose path has a later loaded version is superseded entirely (the
                  corrected file is the truth for that file); of the remaining rows, each
                  business key keeps the row of the file with the highest load_seq.
    Within one file a repeated key keeps its last row (highest source_row).
    Adds source_load_seq (the file's load_seq) next to source_file_id and source_row.
-#}
{% macro current_rows(dataset, mode, key_columns) -%}
    {%- if mode not in ('delta', 'snapshot') -%}
        {{ exceptions.raise_compiler_error(
            "current_rows: mode must be 'delta' or 'snapshot', got '" ~ mode ~ "' for " ~ dataset) }}
    {%- endif -%}
    select
        ranked.*
    from (
        select
            rows_.*,
            files.load_seq as source_load_seq,
            row_number() over (
                partition by {% for key in key_columns %}rows_.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
                order by files.load_seq desc, rows_.source_row desc
            ) as version_rank
        from {{ source('erp', dataset) }} as rows_
        inner join (
            select
                ledger.source_file_id,
                ledger.load_seq
            from {{ source('raw', 'file_ledger') }} as ledger
            where ledger.status = 'loaded'
              and ledger.dataset = '{{ dataset }}'
            {%- if mode == 'delta' %}
              and not exists (
                  select 1
                  from {{ source('raw', 'file_ledger') }} as newer
                  where newer.status = 'loaded'
                    and newer.dataset = ledger.dataset
                    and newer.path = ledger.path
                    and newer.load_seq > ledger.load_seq
              )
            {%- else %}
              and ledger.load_seq = (
                  select max(newest.load_seq)
                  from {{ source('raw', 'file_ledger') }} as newest
                  where newest.status = 'loaded'
                    and newest.dataset = ledger.dataset
              )
            {%- endif %}
        ) as files
            on files.source_file_id = rows_.source_file_id
    ) as ranked
    where ranked.version_rank = 1
{%- endmacro %}
