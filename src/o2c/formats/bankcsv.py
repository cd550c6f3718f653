"""Bank CSV statements: one small, strict layout for banks that export spreadsheets.

UTF-8 (a BOM is allowed), comma-separated, `"`-quoted (a quoted field may span lines).
The first row names the columns, in any order:

    required  account, date, amount, currency, counterparty, remittance, reference
    optional  value_date, counterparty_account, end_to_end_id, structured_ref, bank_code,
              balance, kind

`date`/`value_date` are ISO `YYYY-MM-DD`; `amount` is signed (`-` is a debit), `.` decimal
point, no thousands separators, at most the currency's minor-unit decimals. `reference` is
the bank's reference. `balance`, where given, is the running balance after the row and is
checked against the previous balance. `kind` marks balance rows: `opening` (a statement
starts; `amount` is the signed balance) or `closing` (`amount` must equal opening + rows);
empty means a transaction. A statement also ends where the account or currency changes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO

from o2c.formats._common import Controls, clean, find_creditor_reference, iso_date, money
from o2c.formats.currency import CurrencyError, to_amount
from o2c.formats.records import (
    CREDIT,
    DEBIT,
    BankFileError,
    BankTransaction,
    Statement,
    StatementSummary,
    Tally,
)

REQUIRED = ("account", "date", "amount", "currency", "counterparty", "remittance", "reference")
OPTIONAL = ("value_date", "counterparty_account", "end_to_end_id", "structured_ref",
            "bank_code", "balance", "kind")  # fmt: skip
COLUMNS = REQUIRED + OPTIONAL
_AMOUNT = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)


class _Open:
    def __init__(self, account: str, currency: str, line: int, opening: Decimal | None) -> None:
        self.account, self.currency, self.line = account, currency, line
        self.opening = opening
        self.balance = opening  # running balance, when known
        self.closing: Decimal | None = None
        self.date = None
        self.tally = Tally()
        self.txns: list[BankTransaction] = []

    def statement(self) -> Statement:
        t = self.tally
        sid = f"{self.account}:{self.line}"
        summary = StatementSummary("csv", sid, self.account, self.currency, self.date,
                                   self.opening, self.closing, t.n_credits, t.sum_credits,
                                   t.n_debits, t.sum_debits, len(self.txns), self.line)  # fmt: skip
        return Statement(summary, tuple(self.txns))


def _header(row: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    unknown = [n for n in names if n not in COLUMNS]
    missing = [n for n in REQUIRED if n not in names]
    if unknown or missing or len(set(names)) != len(names):
        problem = (f"unknown column(s) {', '.join(unknown)}" if unknown else
                   f"missing column(s) {', '.join(missing)}" if missing else "repeated column")
        raise BankFileError(f"CSV header: {problem}; columns are {', '.join(COLUMNS)}", 1)
    return names


def _amount(text: str, currency: str, line: int, what: str) -> Decimal:
    if not _AMOUNT.fullmatch(text):
        raise BankFileError(f"{what} {text!r} is not a plain amount like -1234.50", line)
    try:
        return to_amount(text, currency)
    except CurrencyError as exc:
        raise BankFileError(f"{what}: {exc}", line) from exc


def parse_csv(source: BinaryIO, controls: Controls) -> Iterator[Statement]:
    """Statements of a bank CSV file (layout in the module docstring)."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        yield from _rows(csv.reader(text, strict=True), controls)
    except UnicodeDecodeError as exc:
        raise BankFileError(f"CSV is not UTF-8: {exc.reason}", None) from None
    except csv.Error as exc:
        raise BankFileError(f"CSV: {exc}", None) from None
    finally:
        text.detach()


def _rows(reader: Iterator[list[str]], controls: Controls) -> Iterator[Statement]:
    header = next(reader, None)
    if header is None:
        raise BankFileError("CSV file is empty", 1)
    names = _header(header)
    current: _Open | None = None
    last_line = 1
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise BankFileError(f"row has {len(cells)} fields, the header {len(names)}", line)
        row = dict(zip(names, (cell.strip() for cell in cells), strict=True))
        kind = row.get("kind", "").lower()
        if kind not in ("", "opening", "closing"):
            raise BankFileError(f"kind {kind!r} is not opening, closing or empty", line)
        currency = row["currency"].upper()
        amount = _amount(row["amount"], currency, line, "amount")
        if not row["account"]:
            raise BankFileError("row has no account", line)
        if current is not None and (kind == "opening" or current.closing is not None
                                    or (row["account"], currency)
                                    != (current.account, current.currency)):  # fmt: skip
            yield _close(current, controls)
            current = None
        if current is None:
            current = _Open(row["account"], currency, line, amount if kind == "opening" else None)
            if kind == "opening":
                continue
        day = iso_date(row["date"], line, "date")
        current.date = day  # type: ignore[assignment]
        if kind == "closing":
            _check_closing(current, amount, line, controls)
            continue
        _transaction(current, row, amount, day, line, cells, controls)
    if current is not None:
        yield _close(current, controls)


def _check_closing(current: _Open, amount: Decimal, line: int, controls: Controls) -> None:
    current.closing = amount
    if current.opening is None:
        return
    t = current.tally
    computed = current.opening + t.net
    controls.expect(computed, amount, f"account {current.account}: opening "
                    f"{money(current.opening)} + credits {money(t.sum_credits)} - debits "
                    f"{money(t.sum_debits)} = {money(computed)}, but the closing row says "
                    f"{money(amount)}", line)  # fmt: skip


def _transaction(current: _Open, row: dict[str, str], amount: Decimal, day: object,
                 line: int, cells: list[str], controls: Controls) -> None:  # fmt: skip
    direction = DEBIT if amount < 0 else CREDIT
    balance_text = row.get("balance", "")
    if balance_text:
        balance = _amount(balance_text, current.currency, line, "balance")
        if current.balance is None:
            current.balance = balance - amount
            current.opening = current.opening if current.txns else current.balance
        computed = current.balance + amount
        controls.expect(computed, balance, f"balance column says {money(balance)}, but the "
                        f"previous balance {money(current.balance)} + amount {money(amount)} = "
                        f"{money(computed)}", line)  # fmt: skip
        current.balance = balance
    elif current.balance is not None:
        current.balance += amount
    value_text = row.get("value_date", "")
    remittance = clean(row["remittance"])
    txn = BankTransaction(
        account=current.account, currency=current.currency, amount=abs(amount),
        direction=direction, value_date=iso_date(value_text, line, "value_date")
        if value_text else day, booking_date=day,  # type: ignore[arg-type]
        bank_ref=clean(row["reference"]), end_to_end_id=clean(row.get("end_to_end_id")),
        counterparty_name=clean(row["counterparty"]),
        counterparty_account=clean(row.get("counterparty_account")),
        structured_ref=clean(row.get("structured_ref")) or find_creditor_reference(remittance),
        remittance=remittance, bank_code=clean(row.get("bank_code")), format="csv",
        statement_id=f"{current.account}:{current.line}", source_line=line,
        raw=",".join(cells),
    )  # fmt: skip
    current.tally.add(txn.amount, direction)
    current.txns.append(txn)


def _close(current: _Open, controls: Controls) -> Statement:
    return current.statement()
