"""SWIFT MT940 (customer statement) and MT942 (interim report) parser, message by message.

A message runs from `:20:` to a line `-` (or `-}`, `-XXX`); bank headers before `:20:`
(`{1:…}{2:…}{4:`, `ABNANL2A`/`940`, SOH/ETX bytes) are skipped. Each message is one
statement. Checked: MT940 `:60F:`/`:60M:` + `:61:` = `:62F:`/`:62M:` (and a `:60M:` page
opens with the `:62M:` the previous page closed with); MT942 `:90D:`/`:90C:` count and sum.
`:61:` marks: C credit, D debit, RC reversal of credit (a debit), RD reversal of debit (a
credit); an optional funds-code letter may follow the mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from o2c.formats._common import Controls, decode, money, read_lines, yymmdd
from o2c.formats.currency import CurrencyError, to_amount
from o2c.formats.mt940_info import parse_info
from o2c.formats.records import (
    CREDIT,
    DEBIT,
    BankFileError,
    BankTransaction,
    Statement,
    StatementSummary,
    Tally,
)

_TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.ASCII)
_END = re.compile(r"^-(\}.*|XXX)?\s*$", re.ASCII)
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})(\d{1,15},\d{0,3})\s*$", re.ASCII)
_LINE61 = re.compile(
    r"^(?P<vdate>\d{6})(?P<edate>\d{4})?(?P<mark>RC|RD|EC|ED|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,15},\d{0,3})(?P<ttype>[SNF][A-Z0-9]{3})(?P<cref>.*?)(?://(?P<bref>.*))?$",
    re.ASCII,
)
_TOTAL90 = re.compile(r"^(\d{1,5})([A-Z]{3})(\d{1,15},\d{0,3})\s*$", re.ASCII)
_DIRECTION = {"C": CREDIT, "RD": CREDIT, "EC": CREDIT, "D": DEBIT, "RC": DEBIT, "ED": DEBIT}


@dataclass(slots=True)
class _Field:
    tag: str
    line: int
    lines: list[str] = field(default_factory=list)


def messages(lines: Iterable[tuple[int, bytes]]) -> Iterator[list[_Field]]:
    """The tag fields of each message; continuation lines belong to the field above them."""
    current: list[_Field] | None = None
    for number, raw in lines:
        text = decode(raw).strip("\x01\x03").rstrip("\r\n")
        if "{4:" in text and text.split("{4:", 1)[1].startswith(":"):
            text = text.split("{4:", 1)[1]
        if not text.strip():
            continue
        tag = _TAG.match(text)
        if tag:
            if tag.group(1) == "20" and current:
                yield current
                current = None
            if current is None:
                if tag.group(1) != "20":
                    raise BankFileError(f"field :{tag.group(1)}: before the message's :20:", number)
                current = []
            current.append(_Field(tag.group(1), number, [text[tag.end() :]]))
        elif current is not None and _END.match(text.strip()):
            yield current
            current = None
        elif current is not None:
            current[-1].lines.append(text)
    if current:
        yield current


def _balance(f: _Field) -> tuple[Decimal, str, date]:
    m = _BALANCE.match(f.lines[0])
    if not m:
        raise BankFileError(f":{f.tag}: balance {f.lines[0]!r} is not D/C, YYMMDD, currency, "
                            "amount", f.line)  # fmt: skip
    sign, day, currency, amount = m.groups()
    value = _amount(amount, currency, f)
    return (-value if sign == "D" else value), currency, yymmdd(day, f.line, f":{f.tag}: date")


def _amount(text: str, currency: str, f: _Field) -> Decimal:
    try:
        return to_amount(text, currency)
    except CurrencyError as exc:
        raise BankFileError(f":{f.tag}: {exc}", f.line) from exc


def _entry_date(value: date, mmdd: str | None, line: int) -> date | None:
    if not mmdd:
        return None
    month, day = int(mmdd[:2]), int(mmdd[2:])
    year = value.year + (1 if month < value.month - 6 else -1 if month > value.month + 6 else 0)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BankFileError(f":61: entry date {mmdd!r} is not a date", line) from exc


class _Message:
    def __init__(self, fields: list[_Field], kind: str) -> None:
        self.kind = kind
        self.fields = fields
        self.by_tag: dict[str, _Field] = {}
        for f in fields:
            self.by_tag.setdefault(f.tag, f)
        ref = self.by_tag["20"].lines[0].strip()
        seq = self.by_tag.get("28C") or self.by_tag.get("28")
        self.statement_id = f"{ref}/{seq.lines[0].strip()}" if seq else ref
        acct = self.by_tag.get("25")
        if acct is None:
            raise BankFileError(f"message {ref!r} has no :25: account", fields[0].line)
        self.account = acct.lines[0].strip().replace(" ", "")

    def get(self, *tags: str) -> _Field | None:
        return next((self.by_tag[t] for t in tags if t in self.by_tag), None)

    def currency(self) -> str:
        for tag in ("60F", "60M", "62F", "62M", "90D", "90C", "34F"):
            f = self.by_tag.get(tag)
            if f:
                text = f.lines[0].strip()
                return text[7:10] if tag[:2] in ("60", "62") else re.sub(r"^\d*", "", text)[:3]
        raise BankFileError("message has no balance or total to take the currency from",
                            self.fields[0].line)  # fmt: skip

    def transactions(self, currency: str, tally: Tally) -> list[BankTransaction]:
        out: list[BankTransaction] = []
        for i, f in enumerate(self.fields):
            if f.tag != "61":
                continue
            info_field = self.fields[i + 1] if i + 1 < len(self.fields) else None
            if info_field is not None and info_field.tag != "86":
                info_field = None
            out.append(self._transaction(f, info_field, currency))
            tally.add(out[-1].amount, out[-1].direction)
        return out

    def _transaction(self, f: _Field, info_field: _Field | None, currency: str) -> BankTransaction:
        m = _LINE61.match(f.lines[0].strip())
        if not m:
            raise BankFileError(f":61: {f.lines[0]!r} is not value date, [entry date], mark, "
                                "amount, type, reference", f.line)  # fmt: skip
        value_date = yymmdd(m["vdate"], f.line, ":61: value date")
        info = parse_info(info_field.lines) if info_field else None
        supplementary = " ".join(s.strip() for s in f.lines[1:]) or None
        cref = m["cref"].strip()
        raw = f.lines[:1] and [f":61:{f.lines[0]}", *f.lines[1:]]
        if info_field:
            raw += [f":86:{info_field.lines[0]}", *info_field.lines[1:]]
        mark = m["mark"]
        reversal = mark in ("RC", "RD")
        e2e = info.end_to_end_id if info else None
        return BankTransaction(
            account=self.account,
            currency=currency,
            amount=_amount(m["amount"], currency, f),
            direction=_DIRECTION[mark],
            value_date=value_date,
            booking_date=_entry_date(value_date, m["edate"], f.line) or value_date,
            bank_ref=(m["bref"] or "").strip() or None,
            end_to_end_id=e2e or (cref if cref and cref.upper() != "NONREF" else None),
            counterparty_name=info.counterparty_name if info else None,
            counterparty_account=info.counterparty_account if info else None,
            structured_ref=info.structured_ref if info else None,
            remittance=(info.remittance if info else None) or supplementary,
            bank_code=(info.gvc if info and info.gvc else None) or m["ttype"],
            reversal=reversal,
            return_reason=info.return_reason if info else None,
            reverses_ref=e2e if reversal else None,
            format=self.kind,
            statement_id=self.statement_id,
            source_line=f.line,
            raw="\n".join(raw),
        )


def parse_mt940(source: BinaryIO, controls: Controls, kind: str) -> Iterator[Statement]:
    """Statements of an MT940/MT942 file, one per message."""
    seen = False
    previous: dict[str, tuple[str, Decimal]] = {}  # account -> (closing tag, closing balance)
    for fields in messages(read_lines(source)):
        seen = True
        msg = _Message(fields, kind)
        yield _statement(msg, controls, previous)
    if not seen:
        raise BankFileError(f"no {kind.upper()} message (:20: … -) in the file", None)


def _statement(msg: _Message, controls: Controls, previous: dict[str, tuple[str, Decimal]]
               ) -> Statement:  # fmt: skip
    currency = msg.currency()
    tally = Tally()
    txns = msg.transactions(currency, tally)
    opening = closing = None
    statement_date: date | None = None
    sid = f"statement {msg.statement_id}"
    open_f, close_f = msg.get("60F", "60M"), msg.get("62F", "62M")
    if msg.kind == "mt940":
        if open_f is None or close_f is None:
            missing = ":60F:/:60M: opening" if open_f is None else ":62F:/:62M: closing"
            raise BankFileError(f"{sid} has no {missing} balance", msg.fields[0].line)
        opening, open_ccy, _ = _balance(open_f)
        closing, close_ccy, statement_date = _balance(close_f)
        for ccy, f in ((open_ccy, open_f), (close_ccy, close_f)):
            controls.expect(ccy, currency, f"{sid}: :{f.tag}: is in {ccy}, but the statement "
                            f"is in {currency}", f.line)  # fmt: skip
        computed = opening + tally.net
        controls.expect(computed, closing, f"{sid}: opening (:{open_f.tag}:) {money(opening)} "
                        f"+ credits {money(tally.sum_credits)} - debits {money(tally.sum_debits)}"
                        f" = {money(computed)}, but closing (:{close_f.tag}:) says "
                        f"{money(closing)}", close_f.line)  # fmt: skip
        before = previous.get(msg.account)
        if open_f.tag == "60M" and before and before[0] == "62M":
            controls.expect(opening, before[1], f"{sid}: :60M: opens at {money(opening)}, but "
                            f"the previous page closed (:62M:) at {money(before[1])}",
                            open_f.line)  # fmt: skip
        previous[msg.account] = (close_f.tag, closing)
    else:
        _check_totals(msg, controls, currency, tally, sid)
        stamp = msg.get("13D")
        if stamp:
            statement_date = yymmdd(stamp.lines[0].strip()[:6], stamp.line, ":13D: date")
    summary = StatementSummary(msg.kind, msg.statement_id, msg.account, currency, statement_date,
                               opening, closing, tally.n_credits, tally.sum_credits,
                               tally.n_debits, tally.sum_debits, len(txns),
                               msg.fields[0].line)  # fmt: skip
    return Statement(summary, tuple(txns))


def _check_totals(msg: _Message, controls: Controls, currency: str, tally: Tally, sid: str
                  ) -> None:  # fmt: skip
    for tag, count, total, kind in (("90D", tally.n_debits, tally.sum_debits, "debits"),
                                    ("90C", tally.n_credits, tally.sum_credits, "credits")):
        f = msg.get(tag)
        if f is None:
            continue
        m = _TOTAL90.match(f.lines[0].strip())
        if not m:
            raise BankFileError(f":{tag}: {f.lines[0]!r} is not count, currency, amount", f.line)
        want_n, want_sum = int(m.group(1)), _amount(m.group(3), m.group(2), f)
        controls.expect((want_n, want_sum), (count, total), f"{sid}: :{tag}: says {want_n} "
                        f"{kind} of {money(want_sum)}, but the :61: lines have {count} of "
                        f"{money(total)}", f.line)  # fmt: skip
