"""ISO 20022 camt.052 / camt.053 / camt.054 parser (any version), statement by statement.

Each `Stmt` (053), `Ntfctn` (054) or `Rpt` (052) is one statement. Only booked entries
(`Sts` BOOK, or no status) become records; pending/info entries are skipped. An entry with
several `TxDtls` yields one record per detail (see `BankTransaction` for its `bank_ref`).
Checked: the account currency of every balance and entry; camt.053 (and a 052 that has both)
opening (OPBD, else PRCD or the opening ITBD of a page) + entries = closing (CLBD, else the
closing ITBD); every batch (`Btch` NbOfTxs and TtlAmt) against its `TxDtls`, and a batch
entry's amount against the sum of its details when they share its currency.
Each entry is dropped from the tree once read, so memory stays flat however long the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO

from o2c.formats._common import Controls, iso_date, money
from o2c.formats.camt_entry import EntryContext, Paths, amount_of, entry_records
from o2c.formats.records import (
    BankFileError,
    BankTransaction,
    Statement,
    StatementSummary,
    Tally,
)
from o2c.formats.xmlsafe import Capture, xml_events

_CONTAINERS = {"Stmt", "Ntfctn", "Rpt"}
_ROOTS = {"BkToCstmrStmt": "camt.053", "BkToCstmrDbtCdtNtfctn": "camt.054",
          "BkToCstmrAcctRpt": "camt.052"}  # fmt: skip


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Stmt:
    def __init__(self, elem: ET.Element, line: int, p: Paths, kind: str) -> None:
        self.elem, self.line, self.p, self.kind = elem, line, p, kind
        self.tally = Tally()
        self.txns: list[BankTransaction] = []
        self.bal_lines: dict[int, int] = {}
        self._ctx: EntryContext | None = None

    @property
    def statement_id(self) -> str:
        return self.p.text(self.elem, "Id") or f"line {self.line}"

    def context(self, first_entry: ET.Element, line: int) -> EntryContext:
        if self._ctx is None:
            p = self.p
            account = p.text(self.elem, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
            if account is None:
                raise BankFileError(f"statement {self.statement_id} has no Acct/Id", self.line)
            currency = p.text(self.elem, "Acct/Ccy")
            for bal in self.elem.iterfind(p("Bal/Amt")):
                currency = currency or bal.get("Ccy")
            entry_amt = first_entry.find(p("Amt"))
            currency = currency or (entry_amt.get("Ccy") if entry_amt is not None else None)
            if currency is None:
                raise BankFileError(f"statement {self.statement_id} has no currency", self.line)
            self._ctx = EntryContext(account, currency.upper(), self.statement_id, self.kind,
                                     line, [], [])  # fmt: skip
        return self._ctx

    def balances(self) -> dict[str, list[tuple[Decimal, str, ET.Element]]]:
        out: dict[str, list[tuple[Decimal, str, ET.Element]]] = {}
        p = self.p
        for bal in self.elem.iterfind(p("Bal")):
            code = p.text(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or ""
            line = self.bal_lines.get(id(bal), self.line)
            amt = amount_of(p, bal.find(p("Amt")), line, f"balance {code}")
            if amt is None:
                raise BankFileError(f"balance {code} has no Amt", line)
            sign = p.text(bal, "CdtDbtInd")
            value = -amt[0] if sign == "DBIT" else amt[0]
            out.setdefault(code, []).append((value, amt[1], bal))
        return out


def parse_camt(source: BinaryIO, controls: Controls, kind: str) -> Iterator[Statement]:
    """Statements of a camt.052/053/054 document."""
    stack: list[ET.Element] = []
    stmt: _Stmt | None = None
    capture = Capture()
    spans: list[tuple[int, int]] = []
    p: Paths | None = None
    seen = entry_line = 0
    for event, elem, line, chunk in xml_events(source, capture):
        entry_raw = capture.lines
        name = _local(elem.tag)
        if event == "start":
            stack.append(elem)
            if p is None:
                if name != "Document":
                    raise BankFileError(f"root element is {name}, not a camt Document", line)
                p = Paths(elem.tag[: -len(name)])
            elif len(stack) == 2:
                if name not in _ROOTS:
                    raise BankFileError(f"{name} is not a camt.052/053/054 message", line)
                kind = _ROOTS[name]
            elif name in _CONTAINERS and len(stack) == 3:
                stmt = _Stmt(elem, line, p, kind)
            elif stmt is not None and name == "Bal" and len(stack) == 4:
                stmt.bal_lines[id(elem)] = line
            elif stmt is not None and name == "Ntry" and len(stack) == 4:
                capture.lines, spans, entry_line = [chunk], [], line
            elif entry_raw is not None and name == "TxDtls":
                spans.append((len(entry_raw) - 1, -1))
            continue
        stack.pop()
        if entry_raw is not None and name == "TxDtls" and spans:
            spans[-1] = (spans[-1][0], len(entry_raw) - 1)
        elif stmt is not None and name == "Ntry" and len(stack) == 3 and p is not None:
            ctx = stmt.context(elem, line)
            ctx.line, ctx.raw, ctx.detail_spans = entry_line, entry_raw or [], spans
            booked = entry_records(p, elem, ctx, controls)
            if booked is not None:
                stmt.tally.add(booked[0], booked[1])
                stmt.txns.extend(booked[2])
            capture.lines = None
            stack[-1].remove(elem)
        elif stmt is not None and name in _CONTAINERS and len(stack) == 2:
            seen += 1
            yield _finish(stmt, controls)
            stack[-1].remove(elem)
            stmt = None
    if not seen:
        raise BankFileError("document holds no Stmt, Ntfctn or Rpt", None)


def _finish(stmt: _Stmt, controls: Controls) -> Statement:
    p, sid = stmt.p, f"statement {stmt.statement_id}"
    ctx = stmt._ctx
    account = ctx.account if ctx else p.text(stmt.elem, "Acct/Id/IBAN", "Acct/Id/Othr/Id") or ""
    bals = stmt.balances()
    currency = ctx.currency if ctx else (p.text(stmt.elem, "Acct/Ccy") or _first_ccy(bals))
    itbd = bals.get("ITBD", [])
    opening = (bals.get("OPBD") or bals.get("PRCD") or itbd[:1] or [None])[0]
    closing_pool = bals.get("CLBD") or (itbd[1:] if opening in itbd else itbd)
    closing = closing_pool[-1] if closing_pool else None
    if stmt.kind == "camt.053" and (opening is None or closing is None):
        missing = "opening (OPBD)" if opening is None else "closing (CLBD)"
        controls.fail(f"{sid} has no {missing} balance", stmt.line)
    for code, entries in bals.items():
        for _, ccy, bal in entries:
            controls.expect(ccy, currency, f"{sid}: balance {code} is in {ccy}, but the "
                            f"account is in {currency}", stmt.bal_lines.get(id(bal)))  # fmt: skip
    t = stmt.tally
    if opening is not None and closing is not None:
        computed = opening[0] + t.net
        code = p.text(closing[2], "Tp/CdOrPrtry/Cd") or "CLBD"
        controls.expect(computed, closing[0], f"{sid}: opening {money(opening[0])} + credits "
                        f"{money(t.sum_credits)} - debits {money(t.sum_debits)} = "
                        f"{money(computed)}, but closing balance ({code}) says "
                        f"{money(closing[0])}", stmt.bal_lines.get(id(closing[2])))  # fmt: skip
    date_text = (closing and p.text(closing[2], "Dt/Dt", "Dt/DtTm")) or p.text(stmt.elem, "CreDtTm")
    summary = StatementSummary(
        stmt.kind, stmt.statement_id, account, currency or "",
        iso_date(date_text, stmt.line, "statement date") if date_text else None,
        opening[0] if opening else None, closing[0] if closing else None,
        t.n_credits, t.sum_credits, t.n_debits, t.sum_debits, len(stmt.txns), stmt.line,
    )  # fmt: skip
    return Statement(summary, tuple(stmt.txns))


def _first_ccy(bals: dict[str, list[tuple[Decimal, str, ET.Element]]]) -> str | None:
    for entries in bals.values():
        return entries[0][1]
    return None

