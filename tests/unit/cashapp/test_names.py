"""Payer names: legal forms, accents and punctuation do not matter."""

from __future__ import annotations

import duckdb
import pytest

from o2c.domain.cashapp.names import (
    ascii_only,
    normalise_account,
    normalise_name,
    sql_ascii_only,
    sql_name,
)


@pytest.mark.parametrize("bank, erp", [
    ("MUELLER GMBH", "Mueller GmbH"),
    ("Müller GmbH & Co. KG", "MULLER"),
    ("SCHNEIDER BAU GMBH", "Schneider Bau"),
    ("The Talent Foods Company, Inc.", "Talent Foods Inc."),
    ("MILLER INDUSTRIES L.L.C.", "Miller Industries"),
    ("JOHNSON LOGISTICS IRELAND D.A.C.", "Johnson Logistics Ireland DAC"),
])
def test_same_company(bank, erp):
    assert normalise_name(bank) == normalise_name(erp)


def test_sql_mirrors_python():
    con = duckdb.connect()
    for name in ["Straße Bau AG", "Søren ApS", "Ruiz Ingeniería S.L.", "THE X CO 2",
                 "Ionin Industries S.p.A."]:
        assert con.execute(f"select {sql_name('$1')}", [name]).fetchone()[0] == \
            normalise_name(name)


def test_account_without_spaces():
    assert normalise_account("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


@pytest.mark.parametrize("erp", ["Sánchez Tecnología S.L.", "Łódź Metal Sp.", "Plain Name Ltd"])
def test_a_bank_without_accented_letters_writes_question_marks(erp):
    # BAI2 and other ASCII-only formats: one "?" per letter the character set lacks
    bank = erp.encode("ascii", "replace").decode()
    assert normalise_name(ascii_only(erp)) == normalise_name(bank)
    sql = duckdb.execute(f"select {sql_name(sql_ascii_only('$1'))}", [erp]).fetchone()[0]
    assert sql == normalise_name(bank)
