"""The company's bank files: every file reconciles, every payment arrives once, noise is there."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pandas as pd
import pytest

from o2c.domain.bank_identity import bank_txn_ids
from o2c.domain.cashapp.references import structured_payloads
from o2c.formats import parse, sniff_format
from o2c.synth import generate_company, write_company

AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("bank")
    company = generate_company(60, seed=5, as_of=AS_OF, months=6)
    files = write_company(company, out, "csv")
    bank = {key: path for key, path in files.items() if key.startswith("bank/")}
    return company, out, bank


def _lines(company) -> pd.DataFrame:
    return company.truth["bank_lines"].to_pandas()


def test_every_bank_file_parses_with_its_control_totals_checked(written):
    company, _, bank = written
    kinds = defaultdict(int)
    counts = company.row_counts()
    for key, path in bank.items():
        data = path.read_bytes()
        statements = list(parse(data, verify=True))
        kinds[sniff_format(data)] += 1
        assert sum(len(s.transactions) for s in statements) == counts[key], key
    formats = set(company.erp["house_bank_accounts"]["statement_format"].to_pylist())
    assert formats == {"bai2", "camt053", "mt940"}
    assert {"bai2", "camt.053", "camt.054", "mt940", "mt942"} <= set(kinds)


def test_each_accounts_booked_statements_chain_opening_to_closing(written):
    _, _, bank = written
    closing: dict[str, Decimal] = {}
    for key in sorted(k for k in bank if k.count("/") == 2):  # booked files, in date order
        for stmt in parse(bank[key].read_bytes()):
            s = stmt.summary
            if s.account in closing:
                assert s.opening == closing[s.account], key
            closing[s.account] = s.closing


def test_every_line_is_in_a_file_and_every_payment_arrives_once(written):
    company, _, bank = written
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)  # (account, bank ref) -> ids
    for path in bank.values():
        for stmt in parse(path.read_bytes()):
            for txn, (txn_id, _) in zip(stmt.transactions, bank_txn_ids(stmt.transactions),
                                        strict=True):
                seen[(txn.account, txn.bank_ref)].add(txn_id)
    lines = _lines(company)
    assert set(seen) == set(zip(lines.account_number, lines.bank_ref, strict=True))
    # every observation of a line (booked, intraday, notification) has the same identity
    assert all(len(ids) == 1 for ids in seen.values())


def test_customer_credits_add_up_to_the_payments(written):
    company, _, _ = written
    lines = _lines(company)
    payments = company.truth["payments"].to_pandas().set_index("payment_id")
    ar = lines[lines.category == "ar_payment"].set_index("payment_id")
    assert len(ar) == len(payments) and ar.index.is_unique
    assert (ar.direction == "credit").all()
    same = ar[ar.fx_rate.isna()]
    assert (same.amount.map(Decimal) == payments.loc[same.index, "amount"].map(Decimal)).all()
    converted = ar[ar.fx_rate.notna()]
    assert len(converted) > 0  # some receipts arrive in the entity's currency
    for pid, row in converted.iterrows():
        assert row.currency != row.payment_currency == payments.loc[pid, "currency"]
        expected = Decimal(row.payment_amount) * Decimal(row.fx_rate)
        places = Decimal(1).scaleb(-len(row.amount.partition(".")[2]))
        assert abs(Decimal(row.amount) - expected.quantize(places, ROUND_HALF_EVEN)) <= places


def test_the_messy_parts_are_there(written):
    company, _, _ = written
    lines = _lines(company)
    payments = company.truth["payments"].to_pandas()
    assert {"bank_fee", "interest", "payroll", "supplier_payment", "return"} <= set(lines.category)
    assert (payments.fee_deducted.map(Decimal) > 0).any()  # amount received < invoiced
    customers = company.erp["customers"].to_pandas().set_index("customer_id")
    erp_names = customers.loc[payments.customer_id, "name"].to_numpy()
    assert (payments.payer_name.to_numpy() != erp_names).any()
    returns = lines[lines.category == "return"]
    assert (returns.direction == "debit").all() and returns.payment_id.notna().all()
    originals = lines[lines.category == "ar_payment"].set_index("payment_id")
    assert (returns.amount.to_numpy() ==
            originals.loc[returns.payment_id, "amount"].to_numpy()).all()  # fmt: skip
    assert set(returns.return_reason) & {"AC04", "MD06", "AM04", "MS03", "NSF"}
    assert lines.intraday.any() and lines.notified.any() and not lines.booked.all()
    # some payers quote their purchase order, some the invoice's RF reference in groups of four
    texts = lines[lines.category == "ar_payment"].remittance.dropna()
    po_numbers = set(company.erp["invoices"].column("po_number").drop_null().to_pylist())
    assert texts.map(lambda t: any(w in po_numbers for w in t.replace(",", " ").split())).any()
    assert texts.map(lambda t: any(p for p in structured_payloads(t))).any()


def test_same_seed_writes_byte_identical_bank_files(written, tmp_path):
    company, out, bank = written
    again = write_company(generate_company(60, seed=5, as_of=AS_OF, months=6), tmp_path, "csv")

    def digests(root: Path, keys) -> dict[str, str]:
        return {k: hashlib.sha256((root / k).read_bytes()).hexdigest() for k in keys}

    keys = [k for k in again if k.startswith("bank/")]
    assert set(keys) == set(bank)
    keys.append("truth/bank_lines.csv")
    assert digests(tmp_path, keys) == digests(out, keys)
