"""Bank CSV writer, in the layout `o2c.formats.bankcsv` reads (all columns, balance rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from o2c.formats.bankcsv import COLUMNS
from o2c.formats.currency import format_amount
from o2c.formats.records import CREDIT, Statement


def _signed(value: Decimal, ccy: str) -> str:
    return ("-" if value < 0 else "") + format_amount(value, ccy)


def write_csv(statements: Iterable[Statement], out: BinaryIO) -> None:
    """Opening row, one row per transaction with its running balance, closing row."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for stmt in statements:
        s = stmt.summary
        day = s.statement_date.isoformat() if s.statement_date else ""
        base = {"account": s.account, "currency": s.currency, "date": day}
        balance = s.opening
        if balance is not None:
            opening = _signed(balance, s.currency)
            writer.writerow({**base, "amount": opening, "kind": "opening"})
        for t in stmt.transactions:
            signed = t.amount if t.direction == CREDIT else -t.amount
            balance = None if balance is None else balance + signed
            writer.writerow({
                **base, "date": t.booking_date.isoformat() if t.booking_date else day,
                "value_date": t.value_date.isoformat() if t.value_date else "",
                "amount": _signed(signed, s.currency), "counterparty": t.counterparty_name or "",
                "counterparty_account": t.counterparty_account or "",
                "remittance": t.remittance or "", "reference": t.bank_ref or "",
                "end_to_end_id": t.end_to_end_id or "", "structured_ref": t.structured_ref or "",
                "bank_code": t.bank_code or "",
                "balance": "" if balance is None else _signed(balance, s.currency),
            })  # fmt: skip
        if s.closing is not None:
            closing = _signed(s.closing, s.currency)
            writer.writerow({**base, "amount": closing, "kind": "closing"})
    text.flush()
    text.detach()
