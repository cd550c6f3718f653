"""BAI2 (BAI Cash Management Balance Reporting Specification, version 2) parser.

One statement per account section (03 … 49). Amounts are integers in the currency's minor
units (implied decimals): account currency, else the group's, else USD. Control totals checked:
each 49 (sum of 03/16 amounts, record count), the 03 summaries 100/400 against the details and
ledger 010 + credits − debits = 015 (for accounts with details), each 98 and the 99. Messages
quote BAI2 figures as the file writes them (minor units).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from o2c.formats._common import Controls, read_lines, yymmdd
from o2c.formats.bai2_records import Record, logical_records
from o2c.formats.currency import CurrencyError, from_minor, minor_units
from o2c.formats.records import (
    CREDIT,
    DEBIT,
    BankFileError,
    BankTransaction,
    Direction,
    Statement,
    StatementSummary,
    Tally,
)

# detail type codes of returned items and reversals (credits 1xx-3xx, debits 4xx-6xx)
_RETURN_CODES = frozenset(
    ("123", "168", "252", "255", "257", "258", "261", "266", "268", "395",
     "423", "468", "552", "555", "557", "558", "561", "566", "568", "694")
)  # fmt: skip
_FUNDS_EXTRA = {"S": 3, "V": 2}
_INT = re.compile(r"[+-]?\d+", re.ASCII)
# ACH addenda in the text: the originator's name runs to the next label ("ORIG ID:", ...)
_ORIGINATOR = re.compile(
    r"ORIG(?:INATOR)? CO(?:MPANY)? NAME:\s*(.*?)\s*(?=\b(?:ORIG ID|DESC DATE|CO ENTRY DESCR|"
    r"ENTRY DESCR|SEC|IND ID|IND NAME|TRACE|TRN|EFF DATE|CO ID|RECV)\s*:|$)", re.IGNORECASE)


def originator_name(text: str) -> str | None:
    """The payer's name an ACH credit carries in its 16 record text, if any."""
    found = _ORIGINATOR.search(text)
    return (found.group(1).strip() or None) if found else None


def direction_of(type_code: str, line: int) -> Direction | None:
    """Credit for detail type codes 100-399 and 700-729, debit for 400-699 and 730-799,
    None for 890 (non-monetary); other codes are bank-specific and are refused."""
    if not (len(type_code) == 3 and type_code.isascii() and type_code.isdigit()):
        raise BankFileError(f"type code {type_code!r} is not three digits", line)
    code = int(type_code)
    if 100 <= code <= 399 or 700 <= code <= 729:
        return CREDIT
    if 400 <= code <= 699 or 730 <= code <= 799:
        return DEBIT
    if code == 890:
        return None
    raise BankFileError(f"detail type code {type_code} has no defined direction", line)


def _int(text: str, line: int, what: str) -> int:
    if not text:
        return 0
    if not _INT.fullmatch(text):
        raise BankFileError(f"{what} {text!r} is not a whole number", line)
    return int(text)


def _skip_funds(fields: list[str], i: int, line: int) -> tuple[str, list[str], int]:
    """Read a funds type at fields[i] and its availability fields; return the next index."""
    funds = fields[i].upper() if i < len(fields) else ""
    i += 1
    if funds == "D":
        n = _int(fields[i] if i < len(fields) else "", line, "distribution count")
        extra = fields[i : i + 1 + 2 * n]
        return funds, extra, i + 1 + 2 * n
    n = _FUNDS_EXTRA.get(funds, 0)
    return funds, fields[i : i + n], i + n


def _summaries(rec: Record, fields: list[str]) -> tuple[dict[str, tuple[int, int | None]], int]:
    """{type code: (amount, item count)} of an 03 record, and the sum of its amounts."""
    out: dict[str, tuple[int, int | None]] = {}
    total, i = 0, 0
    while i < len(fields):
        code = fields[i]
        if not code:  # a trailing empty field before `/` (or before an 88 continuation)
            i += 1
            continue
        amount = _int(fields[i + 1] if i + 1 < len(fields) else "", rec.line, f"{code} amount")
        count_text = fields[i + 2] if i + 2 < len(fields) else ""
        count = _int(count_text, rec.line, f"{code} item count") if count_text else None
        _, _, i = _skip_funds(fields, i + 3, rec.line)
        out[code] = (amount, count)
        total += amount
    return out, total


class _Account:
    def __init__(self, rec: Record, currency: str, statement_id: str) -> None:
        fields = rec.fields()
        if not fields or not fields[0]:
            raise BankFileError("03 record has no account number", rec.line)
        self.number = fields[0]
        self.currency = (fields[1] if len(fields) > 1 and fields[1] else currency).upper()
        try:
            minor_units(self.currency)
        except CurrencyError as exc:
            raise BankFileError(f"account {self.number}: {exc}", rec.line) from None
        self.summary, self.total = _summaries(rec, fields[2:])
        self.line = rec.line
        self.records = rec.n_records
        self.statement_id = statement_id
        self.tally = Tally()
        self.minor = Tally()  # the same in integer minor units, for exact BAI2 messages
        self.txns: list[BankTransaction] = []
        self.n_details = 0


def _detail(rec: Record, acct: _Account, as_of: date) -> BankTransaction | None:
    parts = rec.body.split(",")
    if len(parts) < 3:
        raise BankFileError("16 record needs a type code, an amount and a funds type", rec.line)
    type_code, amount_text = parts[0].strip(), parts[1].strip()
    if not (amount_text.isascii() and amount_text.isdigit()):
        raise BankFileError(f"16 amount {amount_text!r} is not an unsigned number", rec.line)
    funds, extra, i = _skip_funds(parts, 2, rec.line)
    value_date = as_of
    if funds == "V" and extra and extra[0].strip():
        value_date = yymmdd(extra[0].strip(), rec.line, "value date")
    refs = [parts[k].strip() if k < len(parts) else "" for k in (i, i + 1)]
    bank_ref, customer_ref = (ref[:-1] if ref.endswith("/") else ref for ref in refs)
    text = ",".join(parts[i + 2 :])
    text = text[:-1] if text.endswith("/") else text
    for more in rec.continuations:
        more = more.rstrip()
        text += more[:-1] if more.endswith("/") else more
    units = int(amount_text)
    acct.total += units
    acct.n_details += 1
    direction = direction_of(type_code, rec.line)
    if direction is None:
        return None
    amount = from_minor(units, acct.currency)
    acct.tally.add(amount, direction)
    acct.minor.add(units, direction)  # type: ignore[arg-type]
    is_return = type_code in _RETURN_CODES
    return BankTransaction(
        account=acct.number,
        currency=acct.currency,
        amount=amount,
        direction=direction,
        value_date=value_date,
        booking_date=as_of,
        bank_ref=bank_ref or None,
        end_to_end_id=customer_ref or None,
        remittance=text.strip() or None,
        counterparty_name=originator_name(text),
        bank_code=type_code,
        reversal=is_return,
        return_reason=type_code if is_return else None,
        format="bai2",
        statement_id=acct.statement_id,
        source_line=rec.line,
        raw="\n".join(rec.raw),
    )


def _close_account(rec: Record, acct: _Account, controls: Controls, as_of: date) -> Statement:
    fields = rec.fields()
    total = _int(fields[0] if fields else "", rec.line, "49 account control total")
    count = _int(fields[1] if len(fields) > 1 else "", rec.line, "49 number of records")
    acct.records += rec.n_records
    name = f"account {acct.number}"
    controls.expect(acct.total, total, f"{name} trailer 49 says total {total}, "
                    f"but the records sum to {acct.total}", rec.line)  # fmt: skip
    controls.expect(acct.records, count, f"{name} trailer 49 says {count} records, "
                    f"but the account has {acct.records}", rec.line)  # fmt: skip
    m, s = acct.minor, acct.summary
    if acct.n_details:
        checks = (("100", m.n_credits, m.sum_credits), ("400", m.n_debits, m.sum_debits))
        for code, n, found in checks:
            if code in s and (s[code][0] != found or s[code][1] not in (None, n)):
                kind = "credits" if code == "100" else "debits"
                controls.fail(f"{name} summary {code} says {kind} of {s[code][0]} in "
                              f"{s[code][1]} items, but the details have {found} in {n}",
                              acct.line)  # fmt: skip
        if "010" in s and "015" in s:
            computed = s["010"][0] + int(m.net)
            controls.expect(computed, s["015"][0], f"{name}: opening ledger (010) {s['010'][0]}"
                            f" + credits {m.sum_credits} - debits {m.sum_debits} = {computed}, "
                            f"but closing ledger (015) says {s['015'][0]}", acct.line)  # fmt: skip
    opening = from_minor(s["010"][0], acct.currency) if "010" in s else None
    closing = from_minor(s["015"][0], acct.currency) if "015" in s else None
    t = acct.tally
    summary = StatementSummary("bai2", acct.statement_id, acct.number, acct.currency, as_of,
                               opening, closing, t.n_credits, t.sum_credits, t.n_debits,
                               t.sum_debits, len(acct.txns), acct.line)  # fmt: skip
    return Statement(summary, tuple(acct.txns))


def parse_bai2(source: BinaryIO, controls: Controls) -> Iterator[Statement]:
    """Statements of a BAI2 file, one per account; the 99 is checked after the last one."""
    records = logical_records(read_lines(source))
    first = next(records, None)
    if first is None or first.code != "01":
        raise BankFileError("a BAI2 file starts with an 01 file header", first and first.line)
    header = first.fields()
    if len(header) > 7 and header[7] not in ("", "2"):
        raise BankFileError(f"BAI version {header[7]!r} is not supported (only 2)", first.line)
    file_id = header[4] if len(header) > 4 else ""
    file_records, file_total, n_groups = first.n_records, 0, 0
    group: dict[str, object] | None = None
    acct: _Account | None = None
    for rec in records:
        if rec.code == "02":
            if group is not None or acct is not None:
                raise BankFileError("02 group header before the previous group's 98", rec.line)
            f = rec.fields()
            as_of = yymmdd(f[3] if len(f) > 3 else "", rec.line, "02 as-of date")
            currency = f[5] if len(f) > 5 and f[5] else "USD"
            group = {"as_of": as_of, "currency": currency, "records": rec.n_records,
                     "total": 0, "accounts": 0, "line": rec.line}  # fmt: skip
            n_groups += 1
        elif rec.code == "03":
            if group is None or acct is not None:
                raise BankFileError("03 account header outside a group or inside an account",
                                    rec.line)  # fmt: skip
            sid = f"{file_id}/{n_groups}/{int(group['accounts']) + 1}"  # type: ignore[call-overload]
            acct = _Account(rec, str(group["currency"]), sid)
        elif rec.code == "16":
            if acct is None or group is None:
                raise BankFileError("16 detail record outside an account section", rec.line)
            txn = _detail(rec, acct, group["as_of"])  # type: ignore[arg-type]
            acct.records += rec.n_records
            if txn is not None:
                acct.txns.append(txn)
        elif rec.code == "49":
            if acct is None or group is None:
                raise BankFileError("49 account trailer without an 03 account header", rec.line)
            statement = _close_account(rec, acct, controls, group["as_of"])  # type: ignore[arg-type]
            group["total"] += acct.total  # type: ignore[operator]
            group["records"] += acct.records  # type: ignore[operator]
            group["accounts"] += 1  # type: ignore[operator]
            acct = None
            yield statement
        elif rec.code == "98":
            if group is None or acct is not None:
                raise BankFileError("98 group trailer outside a group or inside an account",
                                    rec.line)  # fmt: skip
            group["records"] += rec.n_records  # type: ignore[operator]
            _check_trailer(rec, controls, f"group {n_groups} trailer 98", "accounts",
                           (group["total"], group["accounts"], group["records"]))  # fmt: skip
            file_total += group["total"]  # type: ignore[operator]
            file_records += group["records"]  # type: ignore[operator]
            group = None
        elif rec.code == "99":
            if group is not None or acct is not None:
                raise BankFileError("99 file trailer before the last group's 98", rec.line)
            file_records += rec.n_records
            _check_trailer(rec, controls, "file trailer 99", "groups",
                           (file_total, n_groups, file_records))  # fmt: skip
            rest = next(records, None)
            if rest is not None:
                raise BankFileError(f"record {rest.code} after the 99 file trailer", rest.line)
            return
        else:
            raise BankFileError(f"{rec.code!r} is not a BAI2 record code", rec.line)
    where = f" inside account {acct.number} (no 49 trailer)" if acct is not None else ""
    raise BankFileError(f"file ends{where} without a 99 file trailer (truncated?)", None)


def _check_trailer(rec: Record, controls: Controls, name: str, unit: str,
                   found: tuple[object, object, object]) -> None:  # fmt: skip
    fields = rec.fields()
    want = [_int(fields[i] if i < len(fields) else "", rec.line, name) for i in range(3)]
    labels = ("total", unit, "records")
    for label, expected, actual in zip(labels, want, found, strict=True):
        if label == "total":
            message = f"{name} says total {expected}, but the records sum to {actual}"
        else:
            message = f"{name} says {expected} {label}, but the file has {actual}"
        controls.expect(actual, expected, message, rec.line)
