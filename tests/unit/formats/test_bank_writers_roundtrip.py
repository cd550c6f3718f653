"""What the writers emit parses back to the same transactions, in every format."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from o2c.formats import BankTransaction, parse
from o2c.formats.writers import (
    make_statement,
    one_line,
    write_bai2,
    write_camt053,
    write_camt054,
    write_csv,
    write_mt940,
)

DAY = date(2026, 3, 2)
KEYS = ("account", "currency", "amount", "direction", "value_date", "booking_date", "bank_ref",
        "end_to_end_id", "counterparty_name", "counterparty_account", "structured_ref")  # fmt: skip


def txn(n: int, ccy: str, amount: str, direction: str, **extra: object) -> BankTransaction:
    return BankTransaction(account="DE89370400440532013000", currency=ccy, amount=Decimal(amount),
                           direction=direction, value_date=DAY, booking_date=DAY,  # type: ignore[arg-type]
                           bank_ref=f"REF{n}", **extra)  # type: ignore[arg-type]  # fmt: skip


def statements(ccy: str, amounts: tuple[str, str]) -> list:
    rows = [
        txn(1, ccy, amounts[0], "credit", end_to_end_id="E2E-1", counterparty_name="ACME GmbH",
            counterparty_account="DE02120300000000202051", structured_ref="RF18539007547034",
            remittance="Invoice INV-1001 and INV-1002\nPO 4711 RF18539007547034"),
        txn(2, ccy, amounts[1], "debit", remittance="Bank fee"),
    ]  # fmt: skip
    return [make_statement("DE89370400440532013000", ccy, "S1", DAY, Decimal(0), rows),
            make_statement("DE89370400440532013000", ccy, "S2", DAY, Decimal(0), rows[:1])]


WRITERS = {
    "bai2": write_bai2, "camt.053": write_camt053, "mt940": write_mt940, "csv": write_csv,
    "camt.054": lambda s, out: write_camt054(s, out, batch_size=1),
    "mt942": lambda s, out: write_mt940(s, out, kind="mt942"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize(("ccy", "amounts"), [("EUR", ("1234.50", "10.00")),
                                              ("JPY", ("123450", "1000")),
                                              ("BHD", ("12.345", "0.100"))])  # fmt: skip
def test_roundtrip(kind: str, ccy: str, amounts: tuple[str, str]) -> None:
    written = statements(ccy, amounts)
    out = io.BytesIO()
    WRITERS[kind](written, out)
    parsed = list(parse(out.getvalue()))
    assert [p.summary.format for p in parsed] == [kind] * 2
    for before, after in zip(written, parsed, strict=True):
        assert len(after.transactions) == len(before.transactions)
        for a, b in zip(before.transactions, after.transactions, strict=True):
            assert {k: getattr(b, k) for k in KEYS} == {k: getattr(a, k) for k in KEYS} | (
                {"counterparty_name": None, "counterparty_account": None,
                 "structured_ref": b.structured_ref} if kind == "bai2" else {})  # fmt: skip
            assert one_line(b.remittance) == one_line(a.remittance)
        if kind not in ("camt.054", "mt942"):
            assert after.summary.closing == before.summary.closing


def test_camt054_batches_yield_one_record_per_detail() -> None:
    rows = [txn(n, "EUR", f"{n}.00", "credit", end_to_end_id=f"E{n}") for n in range(1, 8)]
    out = io.BytesIO()
    write_camt054([make_statement("CH2801234000123456789", "EUR", "N1", DAY, Decimal(0), rows)],
                  out, batch_size=3)  # fmt: skip
    [statement] = parse(out.getvalue())
    assert statement.summary.n_credits == 3  # three batch entries: 3 + 3 + 1 details
    assert [t.bank_ref for t in statement.transactions] == [f"REF{n}" for n in range(1, 8)]
    assert {t.entry_ref for t in statement.transactions} == {"N1-B1", "N1-B2", "REF7"}
    bad = out.getvalue().replace(b"<NbOfTxs>3</NbOfTxs>", b"<NbOfTxs>4</NbOfTxs>", 1)
    with pytest.raises(Exception, match="batch says 4 transactions"):
        list(parse(bad))
