"""The bank's own operations on an account (interest, charges, account closing), told by the
transaction code each statement format carries. No customer pays through these.

The warehouse applies the same table in dbt (macro `is_bank_own_operation`); a test keeps the
two equal.
"""

from __future__ import annotations

# BAI2 354: interest credit. MT940 GVC 805 Abschluss, 814 Zinsen, 815 kapitalisierte Zinsen,
# 817 Zinsberichtigung; without a GVC, the SWIFT transaction types NINT and NCHG
BANK_OWN_CODES: dict[str, frozenset[str]] = {
    "bai2": frozenset({"354"}),
    "mt940": frozenset({"805", "814", "815", "817", "NINT", "NCHG"}),
}
BANK_OWN_ISO_DOMAIN = "ACMT"  # ISO 20022 (camt): account management


def is_bank_own_operation(statement_format: str, code: str | None) -> bool:
    if not code:
        return False
    if statement_format.startswith("camt"):
        return code.startswith(f"{BANK_OWN_ISO_DOMAIN}/")
    family = "mt940" if statement_format in ("mt940", "mt942") else statement_format
    return code in BANK_OWN_CODES.get(family, frozenset())
