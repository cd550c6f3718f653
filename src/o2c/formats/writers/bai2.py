"""BAI2 writer: one group per statement date run, one account section per statement.

Remittance goes into the 16 text and 88 continuations (whitespace collapsed, no line breaks);
`end_to_end_id` becomes the customer reference. Type codes: the transaction's `bank_code`
when it is a BAI2 detail code of the right direction, else 108 (credit) / 409 (debit).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from o2c.formats.bai2 import direction_of
from o2c.formats.currency import to_minor
from o2c.formats.records import CREDIT, BankFileError, BankTransaction, Statement
from o2c.formats.writers import one_line

_TEXT_WIDTH = 76


def _safe(text: str | None) -> str:
    return (text or "").replace(",", " ").replace("/", " ").strip()


def _type_code(txn: BankTransaction) -> str:
    code = txn.bank_code or ""
    try:
        if direction_of(code, 0) == txn.direction:
            return code
    except BankFileError:
        pass
    return "108" if txn.direction == CREDIT else "409"


def _chunks(text: str, first: int) -> list[str]:
    """Split text for a 16 and its 88s, never ending a piece with a space."""
    out, width = [], first
    while text:
        cut = min(len(text), width)
        while cut < len(text) and cut > 1 and text[cut - 1] == " ":
            cut -= 1
        out.append(text[:cut])
        text, width = text[cut:], _TEXT_WIDTH
    return out


def _detail(txn: BankTransaction) -> list[str]:
    value = f"V,{txn.value_date:%y%m%d}," if txn.value_date else "Z"
    head = (f"16,{_type_code(txn)},{to_minor(txn.amount, txn.currency)},{value},"
            f"{_safe(txn.bank_ref)},{_safe(txn.end_to_end_id)},")  # fmt: skip
    pieces = _chunks(one_line(txn.remittance), max(80 - len(head), 1))
    if not pieces:
        return [head + "/"]
    return [head + pieces[0]] + [f"88,{piece}" for piece in pieces[1:]]


def write_bai2(statements: Iterable[Statement], out: BinaryIO, *, sender: str = "O2CBANK",
               receiver: str = "O2C", file_id: str = "1", created: datetime | None = None
               ) -> None:  # fmt: skip
    """Write statements as one BAI2 file (amounts in minor units, trailers computed)."""
    created = created or datetime(2000, 1, 1)
    file_total, file_records, n_groups = 0, 2, 0
    group_date, group_total, group_records, n_accounts = None, 0, 0, 0

    def write(line: str) -> None:
        out.write(line.encode("ascii", "replace") + b"\n")

    def close_group() -> None:
        nonlocal file_total, file_records
        write(f"98,{group_total},{n_accounts},{group_records + 1}/")
        file_total += group_total
        file_records += group_records + 1

    write(f"01,{sender},{receiver},{created:%y%m%d},{created:%H%M},{file_id},,,2/")
    for stmt in statements:
        s = stmt.summary
        if s.statement_date != group_date or group_date is None:
            if group_date is not None:
                close_group()
            group_date, group_total, group_records, n_accounts = s.statement_date, 0, 1, 0
            n_groups += 1
            write(f"02,{receiver},{sender},1,{s.statement_date:%y%m%d},,,2/")
        ccy = s.currency
        summary = {"010": s.opening, "015": s.closing}
        parts = [f"{code},{to_minor(v, ccy)},," for code, v in summary.items() if v is not None]
        credits, debits = to_minor(s.sum_credits, ccy), to_minor(s.sum_debits, ccy)
        parts += [f"100,{credits},{s.n_credits},", f"400,{debits},{s.n_debits},"]
        total = sum(to_minor(v, ccy) for v in summary.values() if v is not None)
        total += credits + debits
        write(f"03,{s.account},{ccy},{','.join(parts)}/")
        records = 1
        for txn in stmt.transactions:
            lines = _detail(txn)
            for line in lines:
                write(line)
            records += len(lines)
            total += to_minor(txn.amount, ccy)
        write(f"49,{total},{records + 1}/")
        group_total += total
        group_records += records + 1
        n_accounts += 1
    if group_date is not None:
        close_group()
    write(f"99,{file_total},{n_groups},{file_records}/")
