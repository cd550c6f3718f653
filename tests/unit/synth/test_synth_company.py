"""The generated company: contract shape, keys, money, and ERP states that agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from o2c.contracts.datasets import (
    DATASETS,
    DISPUTE_STATUSES,
    INVOICE_STATUSES,
    PROMISE_STATUSES,
)
from o2c.synth.reference import BEHAVIOURS, MINOR_UNITS
from o2c.synth.vectors import iban_is_valid

AS_OF = date(2026, 3, 31)  # as in conftest


def _minor(value: str, currency: str) -> int:
    """'1234.50' EUR -> 123450, refusing any other number of decimals."""
    amount = Decimal(value)
    assert amount.as_tuple().exponent == -MINOR_UNITS[currency], (value, currency)
    return int(amount.scaleb(MINOR_UNITS[currency]))


def _sums(frame: pd.DataFrame, key: str, column: str = "amount") -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for k, value, cur in zip(frame[key], frame[column], frame["currency"], strict=True):
        out[k] += _minor(value, cur)
    return out


def test_every_dataset_has_exactly_the_contract_columns(company):
    assert list(company.erp) == list(DATASETS)
    for name, table in company.erp.items():
        assert table.column_names == DATASETS[name].column_names, name


def test_business_keys_are_unique(frames):
    for name, spec in DATASETS.items():
        frame = frames[name]
        assert not frame.duplicated(list(spec.key)).any(), name
        assert len(frame) > 0, name


def test_required_values_are_present(company):
    for name, spec in DATASETS.items():
        for col in spec.columns:
            if col.required:
                assert company.erp[name].column(col.name).null_count == 0, (name, col.name)


def test_money_has_the_currency_minor_units(frames):
    checked = 0
    for name, spec in DATASETS.items():
        money = [c.name for c in spec.columns if c.type == "money"]
        for col in money:
            for value, cur in zip(frames[name][col], frames[name]["currency"], strict=True):
                _minor(value, cur)
                checked += 1
    for value, fee, cur in zip(frames["payments"]["amount"], frames["payments"]["fee_deducted"],
                               frames["payments"]["currency"], strict=True):
        _minor(value, cur)
        _minor(fee, cur)
    assert checked > 10_000
    assert "JPY" in set(frames["invoices"]["currency"])  # a zero-decimal currency is exercised


def test_some_customers_are_billed_in_another_currency_than_their_entity(frames):
    functional = frames["entities"].set_index("entity_id")["functional_currency"]
    customers = frames["customers"]
    assert (customers["currency"] != customers["entity_id"].map(functional)).sum() >= 5


def test_invoice_status_agrees_with_applications_and_credits(frames):
    invoices = frames["invoices"]
    applied = _sums(frames["receipt_applications"], "invoice_id", "applied_amount")
    credited = _sums(frames["credit_memos"].dropna(subset=["invoice_id"]), "invoice_id")
    statuses = set()
    for inv, cur, amount, status in zip(invoices["invoice_id"], invoices["currency"],
                                        invoices["amount"], invoices["status"], strict=True):
        settled = applied.get(inv, 0) + credited.get(inv, 0)
        owed = _minor(amount, cur)
        statuses.add(status)
        if status == "void":
            assert settled == 0, inv
        elif status == "paid":
            assert settled == owed, inv
        else:
            assert owed - settled > 0, inv
    assert statuses == set(INVOICE_STATUSES)
    void_share = (invoices["status"] == "void").mean()
    assert 0.005 < void_share < 0.05


def test_receipts_sum_to_their_applications_or_stay_on_account(frames):
    receipts = frames["receipts"]
    applied = _sums(frames["receipt_applications"], "receipt_id", "applied_amount")
    truth = _sums(frames["receipt_invoices"].merge(receipts[["receipt_id", "currency"]]),
                  "receipt_id")
    on_account = 0
    for rid, cur, amount in zip(receipts["receipt_id"], receipts["currency"], receipts["amount"],
                                strict=True):
        total = _minor(amount, cur)
        assert truth[rid] == total, rid  # what the receipt really paid
        assert applied.get(rid, 0) in (0, total), rid  # fully applied, or unapplied cash
        on_account += rid not in applied
    assert 0 < on_account < len(receipts) * 0.1
    assert receipts["application_id"].isna().any() and receipts["application_id"].notna().any()


def test_payments_are_what_was_owed_minus_fees_and_short_pays(frames):
    pays = frames["payments"]
    behaviour = frames["customer_behaviour"].set_index("customer_id")["behaviour"]
    invoices = frames["invoices"].set_index("invoice_id")
    credits = frames["credit_memos"]
    credits = credits[credits["reason"] != "bank_charges"].dropna(subset=["invoice_id"])
    credited = _sums(credits, "invoice_id")
    truth = _sums(frames["payment_invoices"].merge(pays[["payment_id", "currency"]]),
                  "payment_id")
    fees = 0
    for row in pays.itertuples():
        amount, fee = _minor(row.amount, row.currency), _minor(row.fee_deducted, row.currency)
        assert truth[row.payment_id] == amount
        owed = sum(_minor(invoices.at[i, "amount"], row.currency) - credited.get(i, 0)
                   for i in row.invoice_ids.split(";"))
        if behaviour[row.customer_id] == "partial":
            assert amount + fee <= owed
        else:
            assert amount + fee == owed, row.payment_id
        fees += fee > 0
    assert fees > 0


def test_every_behaviour_appears_with_its_footprint(frames):
    behaviour = frames["customer_behaviour"]
    assert set(behaviour["behaviour"]) == set(BEHAVIOURS)
    pays = frames["payments"].merge(behaviour)
    per_payment = pays["invoice_ids"].str.count(";") + 1
    assert per_payment[pays["behaviour"] == "batch"].max() >= 3
    partial = frames["payment_invoices"].merge(pays[["payment_id", "behaviour"]])
    partial = partial[partial["behaviour"] == "partial"]
    assert partial["invoice_id"].duplicated().any()  # one invoice paid in several parts
    disputer = frames["disputes"].merge(behaviour)
    assert (disputer["behaviour"] == "disputer").mean() > 0.5
    assert set(frames["disputes"]["status"]) == set(DISPUTE_STATUSES)
    assert set(frames["promises"]["status"]) == set(PROMISE_STATUSES)


def test_bad_payers_leave_many_overdue_invoices(frames):
    invoices = frames["invoices"].merge(frames["customer_behaviour"])
    overdue = (invoices["status"] == "open") & (pd.to_datetime(invoices["due_date"])
                                                < pd.Timestamp(AS_OF))
    rate = overdue.groupby(invoices["behaviour"]).mean()
    assert rate["bad_payer"] > 0.3 > rate["on_time"]


def test_recent_payments_are_at_the_bank_but_not_yet_in_the_erp(frames):
    pays = frames["payments"]
    unposted = pays[pays["receipt_id"].isna()]
    assert len(unposted) > 0
    assert (pd.to_datetime(unposted["erp_posting_date"]) > pd.Timestamp(AS_OF)).all()
    assert (pd.to_datetime(unposted["value_date"]) >= pd.Timestamp(AS_OF) - pd.Timedelta(days=8)
            ).all()
    assert (pd.to_datetime(pays["value_date"]) <= pd.Timestamp(AS_OF)).all()
    assert not set(unposted["bank_ref"]) & set(frames["receipts"]["bank_ref"].dropna())
    status = frames["invoices"].set_index("invoice_id")["status"]
    waiting = {i for ids in unposted["invoice_ids"] for i in ids.split(";")}
    assert (status[list(waiting)] == "open").all()


def test_fx_rates_exist_for_every_date_and_currency_needed(frames):
    rates = frames["fx_rates"]
    have = set(zip(rates["rate_date"], rates["from_currency"], rates["to_currency"], strict=True))
    functional = frames["entities"].set_index("entity_id")["functional_currency"]
    for frame, date_col in (("invoices", "issue_date"), ("receipts", "received_date")):
        rows = frames[frame]
        to = rows["entity_id"].map(functional)
        for day, cur, func in zip(rows[date_col], rows["currency"], to, strict=True):
            if cur != func:
                assert (day, cur, func) in have
    assert all(Decimal(r) > 0 for r in rates["rate"])


def test_bank_accounts_look_real(frames):
    accounts = frames["house_bank_accounts"]
    for number, entity in zip(accounts["account_number"], accounts["entity_id"], strict=True):
        assert iban_is_valid(number) if entity != "US01" else number.isdigit()
    assert set(accounts["statement_format"]) == {"bai2", "camt053", "mt940"}
    payer = frames["payments"]["payer_account"].dropna()
    ibans = [a for a in payer if a[:2].isalpha()]
    assert ibans and all(iban_is_valid(a) for a in ibans)


def test_bank_side_is_messy_like_real_payments(frames):
    pays = frames["payments"].merge(frames["customers"][["customer_id", "legal_name"]])
    assert (pays["payer_name"] != pays["legal_name"]).mean() > 0.3
    assert pays["remittance"].isna().any()
    assert pays["payer_account"].isna().any()
    remit = pays["remittance"].dropna()
    assert (~remit.str.contains("-20")).any()  # numbers without their prefix or dashes
    assert remit.str.len().max() <= 140
    assert pays["paid_by_parent"].any()


@pytest.mark.parametrize("name", ["customers", "invoices"])
def test_optional_values_are_sometimes_missing(frames, name):
    optional = [c.name for c in DATASETS[name].columns if not c.required]
    assert any(frames[name][c].isna().any() for c in optional)
