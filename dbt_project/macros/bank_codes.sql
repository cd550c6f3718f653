{#- The bank's own operations on the account (interest, charges, account closing), told by the
    bank transaction code each format carries: BAI2 type code 354 (interest credit); ISO 20022
    domain ACMT (account management); MT940 GVC 805 (Abschluss), 814 (Zinsen), 815
    (kapitalisierte Zinsen), 817 (Zinsberichtigung), or without a GVC the SWIFT transaction types
    NINT (interest) and NCHG (charges). No customer pays through these. The same table in
    Python: o2c.domain.bank_codes (tests/unit/test_bank_codes.py keeps the two equal). -#}
{% macro is_bank_own_operation(format, code) -%}
    coalesce(
        ({{ format }} = 'bai2' and {{ code }} in ('354'))
        or ({{ format }} like 'camt%' and {{ code }} like 'ACMT/%')
        or ({{ format }} in ('mt940', 'mt942')
            and {{ code }} in ('805', '814', '815', '817', 'NINT', 'NCHG')),
        false)
{%- endmacro %}
