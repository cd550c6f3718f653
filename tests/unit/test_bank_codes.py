"""The bank's own operations by transaction code; the dbt macro names the same codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from o2c.domain.bank_codes import BANK_OWN_CODES, BANK_OWN_ISO_DOMAIN, is_bank_own_operation

MACRO = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "bank_codes.sql"


@pytest.mark.parametrize(("fmt", "code", "own"), [
    ("bai2", "354", True), ("bai2", "195", False),
    ("camt.053", "ACMT/MCOP/INTR", True), ("camt.053", "PMNT/RCDT/ESCT", False),
    ("mt940", "805", True), ("mt942", "NINT", True), ("mt940", "166", False),
    ("mt940", "804", False),  # standing-order fees, a debit of the customer's own doing
    ("csv", "354", False), ("bai2", None, False),
])
def test_the_banks_own_operations_by_code(fmt, code, own):
    assert is_bank_own_operation(fmt, code) is own


def test_the_dbt_macro_names_the_same_codes():
    text = MACRO.read_text()
    body = text[text.index("{% macro"):]

    def codes(fmt: str) -> set[str]:
        clause = re.search(rf"'{fmt}'.*?in \(([^)]*)\)\)", body, re.S)
        assert clause, fmt
        return set(re.findall(r"'([^']+)'", clause.group(1)))

    assert codes("bai2") == BANK_OWN_CODES["bai2"]
    assert codes("mt942") == BANK_OWN_CODES["mt940"]
    assert f"'{BANK_OWN_ISO_DOMAIN}/%'" in body
