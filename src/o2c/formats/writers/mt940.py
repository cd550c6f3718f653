"""MT940 (and MT942) writer, with the `:86:` in the German DK structure.

`:86:` = GVC (the transaction's 3-digit `bank_code`, else 166 credit / 177 debit), `?00`
booking text, `?20`-`?29`/`?60`-`?63` holding `EREF+<end_to_end_id>` and `SVWZ+<remittance>`
(whitespace collapsed; what exceeds the 14 lines of 27 characters is cut), `?31` counterparty
account, `?32`/`?33` counterparty name. `bank_ref` follows `//` on the `:61:` line.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from o2c.formats.currency import format_amount
from o2c.formats.records import CREDIT, BankTransaction, Statement
from o2c.formats.writers import one_line

_TEXT_CODES = [f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"]


def _amount(value: Decimal, ccy: str) -> str:
    text = format_amount(value, ccy)
    return text.replace(".", ",") if "." in text else text + ","


def _balance(tag: str, value: Decimal, ccy: str, day: object) -> str:
    return f":{tag}:{'D' if value < 0 else 'C'}{day:%y%m%d}{ccy}{_amount(value, ccy)}"


def _safe(text: str) -> str:
    return text.replace("?", " ").replace("\n", " ")


def _info(t: BankTransaction) -> list[str]:
    gvc = t.bank_code if t.bank_code and len(t.bank_code) == 3 and t.bank_code.isdigit() else (
        "166" if t.direction == CREDIT else "177")  # fmt: skip
    text = ""
    if t.end_to_end_id:
        text += f"EREF+{_safe(t.end_to_end_id)} "
    text += f"SVWZ+{_safe(one_line(t.remittance))}"
    pieces = [text[i : i + 27] for i in range(0, len(text), 27)][: len(_TEXT_CODES)]
    out = f"{gvc}?00{'GUTSCHRIFT' if t.direction == CREDIT else 'LASTSCHRIFT'}"
    out += "".join(f"?{code}{piece}" for code, piece in zip(_TEXT_CODES, pieces, strict=False))
    if t.counterparty_account:
        out += f"?31{_safe(t.counterparty_account)}"
    if t.counterparty_name:
        name = _safe(t.counterparty_name)
        out += f"?32{name[:27]}" + (f"?33{name[27:54]}" if len(name) > 27 else "")
    lines = [out[i : i + 65] for i in range(0, len(out), 65)][:6]
    lines[0] = ":86:" + lines[0]
    return lines


def _line61(t: BankTransaction) -> str:
    mark = ("RD" if t.direction == CREDIT else "RC") if t.reversal else (
        "C" if t.direction == CREDIT else "D")  # fmt: skip
    value = t.value_date or t.booking_date
    entry = f"{t.booking_date:%m%d}" if t.booking_date else ""
    ref = f"//{t.bank_ref}" if t.bank_ref else ""
    return f":61:{value:%y%m%d}{entry}{mark}{_amount(t.amount, t.currency)}NTRFNONREF{ref}"


def write_mt940(statements: Iterable[Statement], out: BinaryIO, *, kind: str = "mt940") -> None:
    """Write each statement as one MT940 message (`kind="mt942"`: :90D:/:90C: totals)."""
    for n, stmt in enumerate(statements, start=1):
        s = stmt.summary
        day = s.statement_date
        lines = [f":20:{s.statement_id[:16]}", f":25:{s.account}", f":28C:{n}/1"]
        if kind == "mt942":
            lines += [f":34F:{s.currency}0", f":13D:{day:%y%m%d}0000+0000"]
        else:
            lines.append(_balance("60F", s.opening or Decimal(0), s.currency, day))
        for t in stmt.transactions:
            lines.append(_line61(t))
            lines += _info(t)
        if kind == "mt942":
            ccy = s.currency
            lines += [f":90D:{s.n_debits}{ccy}{_amount(s.sum_debits, ccy)}",
                      f":90C:{s.n_credits}{ccy}{_amount(s.sum_credits, ccy)}"]  # fmt: skip
        else:
            closing = s.closing if s.closing is not None else Decimal(0)
            lines.append(_balance("62F", closing, s.currency, day))
        lines.append("-")
        out.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))
