"""Reference normalisation: each way a payer writes an invoice number reaches the same key."""

from __future__ import annotations

import duckdb
import pytest

from o2c.domain.cashapp.references import (
    canon,
    deletions,
    loose,
    mod10_recursive,
    qr_valid,
    rf_payload,
    rf_reference,
    rf_valid,
    sql_canon,
    sql_loose,
    sql_stated_count,
    sql_structured_payloads,
    sql_tail,
    sql_typo_key,
    stated_count,
    structured_payloads,
    tail,
    tokens,
    typo_key,
    within_one_edit,
)

ISSUED = "INV-2025-000123"


@pytest.mark.parametrize("written", [
    "INV-2025-000123",      # as issued
    "inv-2025-000123",      # lower case
    "INV2025000123",        # no separators
    "INV 2025 000123",      # spaces (joined by the token rule)
    "INV/2025/000123",
    "INV-2025-OOO123",      # OCR: O for 0
    "lNV-2025-000I23",      # OCR: l and I for 1
])
def test_full_key_survives_separators_case_and_ocr(written):
    assert canon("".join(written.split())) == canon(ISSUED)


@pytest.mark.parametrize("written", ["2025-000123", "2025000123", "RE-2025-000123",
                                     "2O25-000123"])
def test_loose_key_drops_prefix_and_leading_zeros(written):
    assert loose(written) == loose(ISSUED) == "2025000123"


def test_running_number_only_is_the_tail():
    assert tail(ISSUED) == "123"
    assert tail("000123") == "123"
    assert tail("INV-12") == ""  # too short to mean anything


@pytest.mark.parametrize("typo", [
    "2025000132",   # adjacent transposition
    "2025000124",   # substitution
    "202500123",    # deletion
    "20250001233",  # insertion
])
def test_one_character_typo_is_within_one_edit(typo):
    assert within_one_edit(typo, loose(ISSUED))


def test_two_typos_are_not():
    assert not within_one_edit("2025001132", "2025000123")


def test_a_short_running_number_keeps_its_prefix_and_zeros_for_typos():
    # SI-000364 loosens to 364, too short for a typo: the whole number carries it instead,
    # so 000634 written for 000364 (two digits swapped) is one edit away
    assert typo_key("SI-000364") == canon("SI-000364")
    assert within_one_edit(typo_key("SI 000634"), typo_key("SI-000364"))
    assert not within_one_edit(typo_key("SI-000463"), typo_key("SI-000364"))
    assert typo_key(ISSUED) == loose(ISSUED)  # a long number: the loose key, as before


def test_typo_key_sql_mirrors_python():
    con = duckdb.connect()
    for text in ["SI-000364", "INV-2025-000123", "F2026/00456", "90012345", "A-12"]:
        key = con.execute(f"select {sql_typo_key(sql_canon('$1'), sql_loose('$1'))}",
                          [text]).fetchone()[0]
        assert key == typo_key(text)


def test_deletion_neighbourhood_is_small_and_skips_short_keys():
    assert len(deletions("123456")) == 7
    assert deletions("12345") == {"12345"}


def test_tokens_join_words_so_spaced_numbers_are_found():
    found = tokens("Rechnung INV 2025 000123 + INV 2025 000124")
    assert "INV2025000123" in found and "INV2025000124" in found
    assert all(any(c.isdigit() for c in t) for t in found)


def test_sql_mirrors_python():
    con = duckdb.connect()
    for text in ["INV-2025-000123", "si-2024-OOO5", "RE 2026 001001", "000123", "X"]:
        c, lo, t = con.execute(
            f"select {sql_canon('$1')}, {sql_loose('$1')}, {sql_tail('$1')}", [text]).fetchone()
        assert c == canon(text)
        assert (lo if len(lo) >= 4 else "") == loose(text)
        assert (t if len(t) >= 3 else "") == tail(text)


def test_rf_creditor_reference_check_digits():
    assert rf_valid("RF18 5390 0754 7034")
    assert rf_payload("RF18539007547034") == "539007547034"
    assert not rf_valid("RF19 5390 0754 7034")
    assert rf_reference("539007547034") == "RF18539007547034"
    assert rf_reference("INV-2025-000123") == "RF" + rf_reference("INV2025000123")[2:4] + \
        "INV2025000123"
    assert all(rf_valid(rf_reference(f"SI-2024-{n:06d}")) for n in range(200))


QR_BODY = "21000000000313947143000901"  # the Swiss QR-bill example, check digit 7


def test_qr_reference_check_digit():
    ref = QR_BODY + str(mod10_recursive(QR_BODY))
    assert ref.endswith("7")
    assert qr_valid(ref)
    assert not qr_valid(QR_BODY + str((mod10_recursive(QR_BODY) + 1) % 10))
    assert not qr_valid("2025000123" + str(mod10_recursive("2025000123")))  # not 27 digits


@pytest.mark.parametrize(("text", "payloads"), [
    ("RF18539007547034", ["539007547034"]),
    ("Zahlung RF18 5390 0754 7034 danke", ["539007547034"]),  # in groups, words around it
    ("RF19 5390 0754 7034", []),                                # one check digit wrong
    ("21 00000 00003 13947 14300 09017", [QR_BODY]),
    ("QR 210000000003139471430009017 ok", [QR_BODY]),
    ("210000000003139471430009018", []),                        # QR check digit wrong
    ("INV-2025-000123", []),                                    # a number, not a reference
    ("RF51INV2025000123 and RF18539007547034", ["INV2025000123", "539007547034"]),
    (None, []),
])
def test_structured_references_in_python_and_sql(text, payloads):
    assert structured_payloads(text) == payloads
    words = "list_filter(string_split_regex(upper(coalesce($1, '')), '[^0-9A-Z]+'), w -> w <> '')"
    got = duckdb.execute(f"select {sql_structured_payloads(words)}", [text]).fetchone()[0]
    assert sorted(got) == sorted(payloads)


@pytest.mark.parametrize(("remittance", "count"), [
    ("PAYMENT ADVICE SENT BY EMAIL 12 INVOICES", 12),
    ("Zahlung 3 Rechnungen, Avis folgt", 3),
    ("paiement de 4 factures.", 4),
    ("Pmt 2 INV-2025-000123", None),  # a number before an invoice number is no count
    ("1 invoice", None),              # one item is no run of items
    ("ref A12 invoices", None),       # the digits belong to another word
    (None, None),
])
def test_stated_count_in_python_and_sql(remittance, count):
    assert stated_count(remittance) == count
    assert duckdb.execute(f"select {sql_stated_count('$1')}", [remittance]).fetchone()[0] == count
