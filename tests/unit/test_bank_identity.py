"""The payment identity rule: the same payment seen in any file or format gets the same id."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from o2c.domain.bank_identity import (
    OBSERVATION_RANK,
    bank_txn_id,
    bank_txn_ids,
    best_reference,
    observation_kind,
)
from o2c.formats import BankTransaction

PAYMENT = BankTransaction(
    account="DE89370400440532013000", currency="EUR", amount=Decimal("1250.50"),
    direction="credit", value_date=date(2026, 3, 2), booking_date=date(2026, 3, 2),
    bank_ref="100000000042", end_to_end_id="E2E0000000042", counterparty_name="Velea GmbH",
    counterparty_account="DE91569062132070261717", remittance="RE-2026-000042",
)  # fmt: skip


def test_the_same_payment_in_another_format_and_file_has_the_same_id():
    intraday = replace(PAYMENT, format="mt942", statement_id="X/1", source_line=7, raw="...")
    booked = replace(PAYMENT, format="mt940", statement_id="Y/1", source_line=120,
                     remittance="RE-2026-000042 Velea", bank_code="166")
    notified = replace(PAYMENT, format="camt.054", entry_ref="BATCH-1", bank_ref="100000000042")
    assert bank_txn_id(intraday) == bank_txn_id(booked) == bank_txn_id(notified)


def test_the_end_to_end_id_wins_over_the_bank_reference():
    assert best_reference(PAYMENT) == ("end_to_end_id", "E2E0000000042")
    other_bank_ref = replace(PAYMENT, bank_ref="999")
    assert bank_txn_id(other_bank_ref) == bank_txn_id(PAYMENT)


def test_without_end_to_end_id_the_bank_reference_decides():
    no_e2e = replace(PAYMENT, end_to_end_id=None)
    assert best_reference(no_e2e) == ("bank_ref", "100000000042")
    assert bank_txn_id(no_e2e) != bank_txn_id(replace(no_e2e, bank_ref="100000000043"))
    assert best_reference(replace(no_e2e, end_to_end_id="NOTPROVIDED"))[0] == "bank_ref"


def test_a_made_up_batch_detail_reference_is_not_a_reference():
    detail = replace(PAYMENT, end_to_end_id=None, bank_ref="ENTRY-7#2", entry_ref="ENTRY-7")
    basis, reference = best_reference(detail)
    assert basis == "remittance"
    assert reference == "RE2026000042/DE91569062132070261717"
    spaced = replace(detail, remittance="re 2026-000042\n", bank_ref="OTHER#1",
                     entry_ref="OTHER")
    assert bank_txn_id(spaced) == bank_txn_id(detail)


def test_amount_direction_day_account_and_currency_are_part_of_the_identity():
    base = bank_txn_id(PAYMENT)
    for change in ({"amount": Decimal("1250.51")}, {"direction": "debit"},
                   {"value_date": date(2026, 3, 3)}, {"account": "DE02120300000000202051"},
                   {"currency": "USD"}):
        assert bank_txn_id(replace(PAYMENT, **change)) != base, change


def test_amount_scale_and_account_spacing_do_not_matter():
    same = replace(PAYMENT, amount=Decimal("1250.5000"), account="DE89 3704 0044 0532 0130 00")
    assert bank_txn_id(same) == bank_txn_id(PAYMENT)


def test_booking_date_stands_in_for_a_missing_value_date():
    no_value = replace(PAYMENT, value_date=None)
    assert bank_txn_id(no_value) == bank_txn_id(PAYMENT)


def test_two_equal_payments_in_one_statement_stay_two_and_match_their_twins():
    twin = replace(PAYMENT, end_to_end_id=None, bank_ref=None)
    other = replace(twin, amount=Decimal(7))
    intraday = bank_txn_ids([twin, other, twin])
    booked = bank_txn_ids([other, twin, twin])
    assert intraday[0][0] != intraday[2][0]
    assert {i for i, _ in intraday} == {i for i, _ in booked}
    assert [basis for _, basis in booked] == ["remittance"] * 3


def test_a_return_is_a_payment_of_its_own():
    returned = replace(PAYMENT, direction="debit", reversal=True, return_reason="AC04",
                       reverses_ref=PAYMENT.end_to_end_id, bank_ref="700000000001")
    assert bank_txn_id(returned) != bank_txn_id(PAYMENT)


def test_observation_kinds_and_their_precedence():
    assert observation_kind("camt.053", True) == "booked"
    assert observation_kind("mt940", True) == "booked"
    assert observation_kind("bai2", True) == "booked"
    assert observation_kind("bai2", False) == "intraday"
    assert observation_kind("camt.054", False) == "notification"
    assert observation_kind("mt942", False) == "intraday"
    assert observation_kind("camt.052", False) == "intraday"
    assert OBSERVATION_RANK["booked"] > OBSERVATION_RANK["notification"] > (
        OBSERVATION_RANK["intraday"])


def test_the_id_is_stable_across_releases():
    # the id is stored in raw.bank_transactions and referenced by cash applications: a change
    # of the rule would orphan them, so a change here must come with a migration
    assert bank_txn_id(PAYMENT) == bank_txn_ids([PAYMENT])[0][0] == "btx_2577a1632bb3e0c2e487"
