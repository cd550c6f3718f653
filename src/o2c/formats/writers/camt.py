"""camt.053.001.08 statements and camt.054.001.08 notifications (optionally batched).

camt.053: one `Ntry` per transaction with one `TxDtls`. camt.054: transactions of the same
direction and booking date are grouped into batch entries of up to `batch_size` `TxDtls`
(`Btch` NbOfTxs/TtlAmt filled in); each detail carries its `bank_ref` as `Refs/AcctSvcrRef`.
Remittance lines become `Ustrd` elements (140 characters each), `structured_ref` a `Strd`
creditor reference, `return_reason` an `RtrInf` reason code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape

from o2c.formats.currency import format_amount
from o2c.formats.records import CREDIT, BankTransaction, Statement

NS053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NS054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def _e(text: object) -> str:
    return escape(str(text))


def _ind(direction: str) -> str:
    return "CRDT" if direction == CREDIT else "DBIT"


def _amt(amount: Decimal, ccy: str) -> str:
    return f'<Amt Ccy="{_e(ccy)}">{format_amount(amount, ccy)}</Amt>'


def _acct(account: str) -> str:
    iban = len(account) > 14 and account[:2].isalpha() and account[2:4].isdigit()
    return f"<IBAN>{_e(account)}</IBAN>" if iban else f"<Othr><Id>{_e(account)}</Id></Othr>"


def _bank_code(code: str | None) -> str:
    if code and code.count("/") == 2:
        d, f, s = code.split("/")
        return (f"<BkTxCd><Domn><Cd>{_e(d)}</Cd><Fmly><Cd>{_e(f)}</Cd>"
                f"<SubFmlyCd>{_e(s)}</SubFmlyCd></Fmly></Domn></BkTxCd>")  # fmt: skip
    return f"<BkTxCd><Prtry><Cd>{_e(code)}</Cd></Prtry></BkTxCd>" if code else ""


def _tx_details(t: BankTransaction, *, own_amount: bool) -> str:
    parts = ["<TxDtls><Refs>"]
    if own_amount and t.bank_ref:
        parts.append(f"<AcctSvcrRef>{_e(t.bank_ref)}</AcctSvcrRef>")
    parts.append(f"<EndToEndId>{_e(t.end_to_end_id or 'NOTPROVIDED')}</EndToEndId></Refs>")
    if own_amount:
        parts.append(f"{_amt(t.amount, t.currency)}<CdtDbtInd>{_ind(t.direction)}</CdtDbtInd>")
    role = "Dbtr" if t.direction == CREDIT else "Cdtr"
    if t.counterparty_name or t.counterparty_account:
        parts.append("<RltdPties>")
        if t.counterparty_name:
            parts.append(f"<{role}><Pty><Nm>{_e(t.counterparty_name)}</Nm></Pty></{role}>")
        if t.counterparty_account:
            parts.append(f"<{role}Acct><Id>{_acct(t.counterparty_account)}</Id></{role}Acct>")
        parts.append("</RltdPties>")
    lines = [ln[i : i + 140] for ln in (t.remittance or "").splitlines() for i in
             range(0, max(len(ln), 1), 140) if ln[i : i + 140].strip()]  # fmt: skip
    if lines or t.structured_ref:
        parts.append("<RmtInf>")
        parts += [f"<Ustrd>{_e(line)}</Ustrd>" for line in lines]
        if t.structured_ref:
            parts.append("<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                         f"<Ref>{_e(t.structured_ref)}</Ref></CdtrRefInf></Strd>")  # fmt: skip
        parts.append("</RmtInf>")
    if t.return_reason:
        parts.append(f"<RtrInf><Rsn><Cd>{_e(t.return_reason)}</Cd></Rsn></RtrInf>")
    parts.append("</TxDtls>")
    return "".join(parts)


def _entry(txns: list[BankTransaction], ref: str | None, batch: bool) -> str:
    first = txns[0]
    net = sum((t.amount if t.direction == CREDIT else -t.amount for t in txns), Decimal(0))
    direction = first.direction if len(txns) == 1 else (CREDIT if net >= 0 else "debit")
    head = [f"<Ntry>{_amt(abs(net), first.currency)}<CdtDbtInd>{_ind(direction)}</CdtDbtInd>"]
    if first.reversal and len(txns) == 1:
        head.append("<RvslInd>true</RvslInd>")
    head.append("<Sts><Cd>BOOK</Cd></Sts>")
    if first.booking_date:
        head.append(f"<BookgDt><Dt>{first.booking_date.isoformat()}</Dt></BookgDt>")
    if first.value_date:
        head.append(f"<ValDt><Dt>{first.value_date.isoformat()}</Dt></ValDt>")
    if ref:
        head.append(f"<AcctSvcrRef>{_e(ref)}</AcctSvcrRef>")
    head.append(_bank_code(first.bank_code))
    head.append("<NtryDtls>")
    if batch:
        head.append(f'<Btch><NbOfTxs>{len(txns)}</NbOfTxs><TtlAmt Ccy="{_e(first.currency)}">'
                    f"{format_amount(net, first.currency)}</TtlAmt>"
                    f"<CdtDbtInd>{_ind(direction)}</CdtDbtInd></Btch>")
    head += [_tx_details(t, own_amount=batch) for t in txns]
    head.append("</NtryDtls></Ntry>")
    return "".join(head)


def _balance(code: str, value: Decimal | None, ccy: str, day: object) -> str:
    if value is None:
        return ""
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{_amt(abs(value), ccy)}"
            f"<CdtDbtInd>{'DBIT' if value < 0 else 'CRDT'}</CdtDbtInd>"
            f"<Dt><Dt>{day}</Dt></Dt></Bal>")  # fmt: skip


def _document(out: BinaryIO, ns: str, root: str, msg_id: str, created: datetime,
              bodies: Iterator[str]) -> None:  # fmt: skip
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}">\n<{root}>\n'
              f"<GrpHdr><MsgId>{_e(msg_id)}</MsgId><CreDtTm>{created.isoformat()}</CreDtTm>"
              "</GrpHdr>\n".encode())  # fmt: skip
    for body in bodies:
        out.write(body.encode("utf-8"))
    out.write(f"</{root}>\n</Document>\n".encode())


def write_camt053(statements: Iterable[Statement], out: BinaryIO, *, msg_id: str = "O2C-053",
                  created: datetime | None = None) -> None:  # fmt: skip
    """Write statements as one camt.053.001.08 document (one entry per transaction)."""

    def bodies() -> Iterator[str]:
        for stmt in statements:
            s = stmt.summary
            day = s.statement_date.isoformat() if s.statement_date else "2000-01-01"
            yield (f"<Stmt><Id>{_e(s.statement_id)}</Id><CreDtTm>{day}T00:00:00</CreDtTm>"
                   f"<Acct><Id>{_acct(s.account)}</Id><Ccy>{_e(s.currency)}</Ccy></Acct>"
                   + _balance("OPBD", s.opening, s.currency, day)
                   + _balance("CLBD", s.closing, s.currency, day) + "\n")  # fmt: skip
            for t in stmt.transactions:
                yield _entry([t], t.bank_ref, batch=False) + "\n"
            yield "</Stmt>\n"

    _document(out, NS053, "BkToCstmrStmt", msg_id, created or datetime(2000, 1, 1), bodies())


def write_camt054(statements: Iterable[Statement], out: BinaryIO, *, batch_size: int = 1,
                  msg_id: str = "O2C-054", created: datetime | None = None) -> None:  # fmt: skip
    """Write statements as camt.054.001.08 notifications; up to `batch_size` per entry."""

    def bodies() -> Iterator[str]:
        for stmt in statements:
            s = stmt.summary
            yield (f"<Ntfctn><Id>{_e(s.statement_id)}</Id><Acct><Id>{_acct(s.account)}</Id>"
                   f"<Ccy>{_e(s.currency)}</Ccy></Acct>\n")  # fmt: skip
            group: list[BankTransaction] = []
            n = 0
            for t in [*stmt.transactions, None]:
                if group and (t is None or len(group) >= batch_size or
                              (t.direction, t.booking_date) !=
                              (group[0].direction, group[0].booking_date)):  # fmt: skip
                    n += 1
                    batch = len(group) > 1
                    ref = f"{s.statement_id}-B{n}" if batch else group[0].bank_ref
                    yield _entry(group, ref, batch=batch) + "\n"
                    group = []
                if t is not None:
                    group.append(t)
            yield "</Ntfctn>\n"

    _document(out, NS054, "BkToCstmrDbtCdtNtfctn", msg_id, created or datetime(2000, 1, 1),
              bodies())  # fmt: skip
