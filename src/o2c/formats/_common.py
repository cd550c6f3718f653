"""Helpers shared by the parsers: bounded line reading, decoding, control checks, references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from o2c.domain.cashapp.references import rf_valid
from o2c.formats.records import BankFileError

MAX_LINE = 1 << 20  # a physical line longer than 1 MiB is not a bank statement line

Warn = Callable[[BankFileError], None]


def read_lines(source: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without its end-of-line bytes), reading at most MAX_LINE."""
    number = 0
    while True:
        line = source.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise BankFileError(f"line is longer than {MAX_LINE} bytes", number)
        yield number, line.rstrip(b"\r\n")


def decode(raw: bytes) -> str:
    """UTF-8 when it is, else Windows-1252/Latin-1 (what older bank exports use)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def money(value: Decimal) -> str:
    """An amount for a message: thousands separated, sign kept (`-1,234.50`)."""
    return f"{value:,}"


class Controls:
    """Where a failed control total goes: raised (verify) or handed to `warn` (inspection)."""

    def __init__(self, verify: bool, warn: Warn | None) -> None:
        self.verify = verify
        self._warn = warn

    def fail(self, message: str, line: int | None) -> None:
        error = BankFileError(message, line)
        if self.verify:
            raise error
        if self._warn is not None:
            self._warn(error)

    def expect(self, found: object, expected: object, message: str, line: int | None) -> None:
        if found != expected:
            self.fail(message, line)


def yymmdd(text: str, line: int, what: str) -> date:
    return _date(text, "%y%m%d", line, what)


def iso_date(text: str, line: int, what: str) -> date:
    return _date(text[:10], "%Y-%m-%d", line, what)


def _date(text: str, fmt: str, line: int, what: str) -> date:
    from datetime import datetime

    try:
        return datetime.strptime(text, fmt).date()
    except ValueError as exc:
        raise BankFileError(f"{what} {text!r} is not a date", line) from exc


_RF = re.compile(r"\bRF(\d{2})([0-9A-Z]{1,21})\b", re.ASCII)


def find_creditor_reference(text: str | None) -> str | None:
    """The first valid RF creditor reference in free text, if any."""
    if not text:
        return None
    for match in _RF.finditer(text.upper()):
        if rf_valid(match.group(0)):
            return match.group(0)
    return None


def clean(text: str | None) -> str | None:
    """Strip, and turn empty into None."""
    if text is None:
        return None
    text = text.strip()
    return text or None
