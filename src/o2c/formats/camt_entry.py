"""One camt `Ntry` to records: the entry itself, or one record per `TxDtls` of a batch."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from o2c.formats._common import Controls, clean, find_creditor_reference, iso_date, money
from o2c.formats.currency import CurrencyError, to_amount
from o2c.formats.records import CREDIT, DEBIT, BankFileError, BankTransaction, Direction

_BOOKED = {None, "BOOK"}


class Paths:
    """ElementPath strings for one namespace: `Paths(ns)("Acct/Id/IBAN")`."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self._cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        found = self._cache.get(path)
        if found is None:
            found = "/".join(f"{self.ns}{part}" for part in path.split("/"))
            self._cache[path] = found
        return found

    def text(self, elem: ET.Element, *paths: str) -> str | None:
        for path in paths:
            value = elem.findtext(self(path))
            if value is not None and value.strip():
                return value.strip()
        return None


def amount_of(p: Paths, elem: ET.Element | None, line: int, what: str
              ) -> tuple[Decimal, str] | None:  # fmt: skip
    if elem is None:
        return None
    ccy = elem.get("Ccy")
    if not ccy or elem.text is None:
        raise BankFileError(f"{what} has no amount or no Ccy attribute", line)
    try:
        return to_amount(elem.text, ccy), ccy.upper()
    except CurrencyError as exc:
        raise BankFileError(f"{what}: {exc}", line) from exc


def direction_of(text: str | None, line: int, what: str) -> Direction:
    if text == "CRDT":
        return CREDIT
    if text == "DBIT":
        return DEBIT
    raise BankFileError(f"{what} CdtDbtInd {text!r} is neither CRDT nor DBIT", line)


def date_of(p: Paths, elem: ET.Element, path: str, line: int) -> date | None:
    text = p.text(elem, f"{path}/Dt", f"{path}/DtTm")
    return iso_date(text, line, path) if text else None


@dataclass(slots=True)
class EntryContext:
    account: str
    currency: str
    statement_id: str
    kind: str
    line: int
    raw: list[bytes]
    detail_spans: list[tuple[int, int]]  # (first, last) index into raw per TxDtls


def _bank_code(p: Paths, elem: ET.Element) -> str | None:
    domain = p.text(elem, "BkTxCd/Domn/Cd")
    if domain:
        family = p.text(elem, "BkTxCd/Domn/Fmly/Cd") or ""
        sub = p.text(elem, "BkTxCd/Domn/Fmly/SubFmlyCd") or ""
        return "/".join(x for x in (domain, family, sub) if x)
    return p.text(elem, "BkTxCd/Prtry/Cd")


def _party(p: Paths, tx: ET.Element, direction: Direction) -> tuple[str | None, str | None]:
    role = "Dbtr" if direction == CREDIT else "Cdtr"
    name = p.text(tx, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")
    account = p.text(tx, f"RltdPties/{role}Acct/Id/IBAN", f"RltdPties/{role}Acct/Id/Othr/Id")
    return name, account


def _remittance(p: Paths, tx: ET.Element) -> tuple[str | None, str | None]:
    lines = [u.text.strip() for u in tx.iterfind(p("RmtInf/Ustrd")) if u.text and u.text.strip()]
    lines += [a.text.strip() for a in tx.iterfind(p("RmtInf/Strd/AddtlRmtInf")) if a.text]
    structured = p.text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
    return ("\n".join(lines) or None), structured


def entry_records(p: Paths, ntry: ET.Element, ctx: EntryContext, controls: Controls
                  ) -> tuple[Decimal, Direction, list[BankTransaction]] | None:  # fmt: skip
    """The entry's signed booking (amount, direction) and its records; None if not booked."""
    status = p.text(ntry, "Sts/Cd", "Sts")
    if status not in _BOOKED:
        return None
    line = ctx.line
    amt = amount_of(p, ntry.find(p("Amt")), line, "Ntry/Amt")
    if amt is None:
        raise BankFileError("Ntry has no Amt", line)
    amount, ccy = amt
    direction = direction_of(p.text(ntry, "CdtDbtInd"), line, "Ntry")
    ref = p.text(ntry, "AcctSvcrRef", "NtryRef")
    name = f"entry {ref or ''} ({money(amount)} {ccy})".replace("  ", " ")
    controls.expect(ccy, ctx.currency, f"{name} is in {ccy}, but the account is in "
                    f"{ctx.currency}", line)  # fmt: skip
    details = list(ntry.iterfind(p("NtryDtls/TxDtls")))
    _check_batches(p, ntry, details, name, amount, ccy, direction, line, controls)
    base = {
        "account": ctx.account, "currency": ccy, "amount": amount, "direction": direction,
        "value_date": date_of(p, ntry, "ValDt", line),
        "booking_date": date_of(p, ntry, "BookgDt", line),
        "bank_code": _bank_code(p, ntry), "entry_ref": ref, "bank_ref": ref,
        "reversal": p.text(ntry, "RvslInd") in ("true", "1"),
        "format": ctx.kind, "statement_id": ctx.statement_id, "source_line": line,
        "remittance": p.text(ntry, "AddtlNtryInf"),
    }  # fmt: skip
    if not details:
        raw = b"".join(ctx.raw).decode("utf-8", "replace")
        return amount, direction, [BankTransaction(raw=raw, **base)]  # type: ignore[arg-type]
    out = []
    for n, tx in enumerate(details, start=1):
        out.append(_detail(p, tx, n, len(details), base, ctx))
    return amount, direction, out


def _detail(p: Paths, tx: ET.Element, n: int, total: int, base: dict[str, object],
            ctx: EntryContext) -> BankTransaction:  # fmt: skip
    fields = dict(base)
    first, last = ctx.detail_spans[n - 1] if n <= len(ctx.detail_spans) else (0, len(ctx.raw))
    fields["raw"] = b"".join(ctx.raw[first : last + 1]).decode("utf-8", "replace")
    if total > 1:
        amt = amount_of(p, _detail_amount(p, tx), ctx.line, f"TxDtls {n}")
        if amt is None:
            raise BankFileError(f"TxDtls {n} of a batch entry has no amount", ctx.line)
        fields["amount"], fields["currency"] = amt
        ind = p.text(tx, "CdtDbtInd")
        if ind is not None:
            fields["direction"] = direction_of(ind, ctx.line, f"TxDtls {n}")
        own = p.text(tx, "Refs/AcctSvcrRef", "Refs/TxId")
        fields["bank_ref"] = own or (f"{base['entry_ref']}#{n}" if base["entry_ref"] else None)
    else:
        fields["bank_ref"] = p.text(tx, "Refs/AcctSvcrRef") or base["entry_ref"]
    e2e = p.text(tx, "Refs/EndToEndId")
    fields["end_to_end_id"] = None if e2e in (None, "NOTPROVIDED") else e2e
    name, account = _party(p, tx, fields["direction"])  # type: ignore[arg-type]
    fields["counterparty_name"], fields["counterparty_account"] = name, account
    remittance, structured = _remittance(p, tx)
    fields["remittance"] = remittance or p.text(tx, "AddtlTxInf") or base["remittance"]
    fields["structured_ref"] = structured or find_creditor_reference(remittance)
    fields["bank_code"] = _bank_code(p, tx) or base["bank_code"]
    reason = p.text(tx, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry")
    if reason or fields["reversal"]:
        fields["return_reason"] = clean(reason)
        fields["reverses_ref"] = fields["end_to_end_id"]
    return BankTransaction(**fields)  # type: ignore[arg-type]


def _detail_amount(p: Paths, tx: ET.Element) -> ET.Element | None:
    for path in ("Amt", "AmtDtls/CntrValAmt/Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = tx.find(p(path))
        if found is not None:
            return found
    return None


def _check_batches(p: Paths, ntry: ET.Element, details: list[ET.Element], name: str,
                   amount: Decimal, ccy: str, direction: Direction, line: int,
                   controls: Controls) -> None:  # fmt: skip
    """Btch NbOfTxs/TtlAmt against the TxDtls, and the entry amount against their sum."""
    signed: list[tuple[Decimal, str]] = []
    for group in ntry.iterfind(p("NtryDtls")):
        txs = list(group.iterfind(p("TxDtls")))
        own: list[tuple[Decimal, str]] = []
        for n, tx in enumerate(txs, start=1):
            amt = amount_of(p, _detail_amount(p, tx), line, f"TxDtls {n}")
            if amt is not None:
                ind = p.text(tx, "CdtDbtInd")
                sign = direction if ind is None else direction_of(ind, line, f"TxDtls {n}")
                own.append((amt[0] if sign == CREDIT else -amt[0], amt[1]))
        signed += own
        batch = group.find(p("Btch"))
        if batch is None or not txs:
            continue
        count = p.text(batch, "NbOfTxs")
        if count is not None and count != str(len(txs)):
            controls.fail(f"{name}: batch says {count} transactions (NbOfTxs), but the entry "
                          f"holds {len(txs)} TxDtls", line)  # fmt: skip
        total = amount_of(p, batch.find(p("TtlAmt")), line, "Btch/TtlAmt")
        if total is not None and len(own) == len(txs) and {c for _, c in own} == {total[1]}:
            ind = p.text(batch, "CdtDbtInd")
            want = total[0] if ind in (None, "CRDT") else -total[0]
            found = sum((a for a, _ in own), Decimal(0))
            controls.expect(found, want, f"{name}: batch total (TtlAmt) is {money(want)} "
                            f"{total[1]}, but its TxDtls sum to {money(found)}", line)  # fmt: skip
    if len(details) > 1 and len(signed) == len(details) and {c for _, c in signed} == {ccy}:
        want = amount if direction == CREDIT else -amount
        found = sum((a for a, _ in signed), Decimal(0))
        controls.expect(found, want, f"{name}: entry amount is {money(want)}, but its "
                        f"{len(details)} TxDtls sum to {money(found)}", line)  # fmt: skip
