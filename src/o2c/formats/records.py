"""The normalised records every bank-file parser yields, and the one error type it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Direction = Literal["credit", "debit"]
CREDIT: Direction = "credit"
DEBIT: Direction = "debit"


class BankFileError(ValueError):
    """A bank file that is malformed or does not reconcile; the whole file is to be rejected.

    `str()` reads `line 14: account 10200123456 trailer 49 says total 834000, but the records
    sum to 834100`, prefixed with the path when one is known.
    """

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        self.message = message
        self.line = line
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        prefix = f"{self.path}: " if self.path else ""
        return f"{prefix}{where}{self.message}"

    def with_path(self, path: str) -> BankFileError:
        return BankFileError(self.message, self.line, path)


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """One booked movement on a bank account, as the bank reported it.

    `amount` is positive, fitted to the currency's minor units; `direction` says which way the
    money moved for the account holder (a reversal of a credit is a debit). `bank_ref` is the
    bank's own reference for this movement (BAI2 bank reference, camt `AcctSvcrRef`, MT940
    reference after `//`). For a camt entry with several `TxDtls`, each detail is one record:
    its `bank_ref` is the detail's `Refs/AcctSvcrRef`, else `Refs/TxId`, else the entry's
    reference suffixed `#<n>` (1-based detail position); `entry_ref` is the entry's reference.
    """

    account: str
    currency: str
    amount: Decimal
    direction: Direction
    value_date: date | None = None
    booking_date: date | None = None
    bank_ref: str | None = None
    end_to_end_id: str | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    structured_ref: str | None = None
    remittance: str | None = None
    bank_code: str | None = None
    entry_ref: str | None = None
    reversal: bool = False
    return_reason: str | None = None
    reverses_ref: str | None = None
    format: str = ""
    statement_id: str = ""
    source_line: int = 0
    raw: str = ""

    def as_json(self) -> dict[str, object]:
        """Plain JSON-ready values: decimals and dates as strings."""
        out: dict[str, object] = {}
        for name in self.__slots__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            if isinstance(value, Decimal | date):
                value = str(value) if isinstance(value, Decimal) else value.isoformat()
            out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """One account's statement (BAI2 account section, camt Stmt/Ntfctn, MT940 message).

    `opening` and `closing` are signed (negative: overdrawn), `None` where the file has none
    (camt.054, MT942). Counts and sums are over booked entries (a camt batch entry counts once;
    `n_records` counts the records yielded, one per camt `TxDtls`).
    """

    format: str
    statement_id: str
    account: str
    currency: str
    statement_date: date | None
    opening: Decimal | None
    closing: Decimal | None
    n_credits: int
    sum_credits: Decimal
    n_debits: int
    sum_debits: Decimal
    n_records: int
    source_line: int


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement's summary with its transactions, yielded one at a time by `parse`."""

    summary: StatementSummary
    transactions: tuple[BankTransaction, ...] = field(default_factory=tuple)


class Tally:
    """Running count and sum of credits and debits while a statement is read."""

    __slots__ = ("n_credits", "sum_credits", "n_debits", "sum_debits")

    def __init__(self) -> None:
        self.n_credits = 0
        self.n_debits = 0
        self.sum_credits = Decimal(0)
        self.sum_debits = Decimal(0)

    def add(self, amount: Decimal, direction: Direction) -> None:
        if direction == CREDIT:
            self.n_credits += 1
            self.sum_credits += amount
        else:
            self.n_debits += 1
            self.sum_debits += amount

    @property
    def net(self) -> Decimal:
        return self.sum_credits - self.sum_debits
