"""The MT940 `:86:` information field, in the three shapes banks fill it with.

1. German DK structure: a 3-digit business transaction code (GVC), then `?NN` subfields:
   `?00` booking text, `?20`-`?29` and `?60`-`?63` remittance lines, `?30` counterparty bank,
   `?31` counterparty account, `?32`/`?33` counterparty name. The remittance lines carry SEPA
   keywords: `EREF+` end-to-end id, `KREF+` customer reference, `MREF+` mandate,
   `CRED+` creditor id, `SVWZ+` remittance text, `ABWA+`/`ABWE+` ultimate parties.
2. Dutch SEPA structure: `/KEY/value` pairs (`/EREF/`, `/CNTP/IBAN/BIC/NAME/CITY/`,
   `/REMI/USTD//text/` or `/REMI/STRD/CUR/reference/`, `/RTRN/reason/`, …).
3. Free text: lines kept as they are (joined with newlines); SEPA keywords are honoured if the
   text uses them.
Any text gets an ISO 11649 creditor reference (`RF…`, checksum verified) as `structured_ref`
when no field names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from o2c.formats._common import clean, find_creditor_reference

_GVC = re.compile(r"^(\d{3})\?", re.ASCII)
_SUB = re.compile(r"\?(\d{2})", re.ASCII)
_SEPA = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|RTRN)\+", re.ASCII)
_SLASH_KEYS = (
    "TRCD|CNTP|REMI|EREF|RTRN|MARF|CSID|BUSP|PURP|ORDP|BENM|NAME|IBAN|BIC|ADDR|ISDT|PREF|"
    "KREF|ULTC|ULTD|EXCH|OCMT|CHGS|SVWZ"
)
_SLASH = re.compile(rf"/({_SLASH_KEYS})/", re.ASCII)


@dataclass(slots=True)
class Info:
    remittance: str | None = None
    end_to_end_id: str | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    structured_ref: str | None = None
    gvc: str | None = None
    return_reason: str | None = None


def _e2e(value: str | None) -> str | None:
    value = clean(value)
    return None if value is None or value.upper() in ("NOTPROVIDED", "NONREF") else value


def _sepa_keywords(text: str) -> dict[str, str]:
    parts = _SEPA.split(text)
    out = {"": parts[0]}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        out.setdefault(key, value.strip())
    return out


def _from_sepa(info: Info, text: str) -> None:
    keys = _sepa_keywords(text)
    info.end_to_end_id = _e2e(keys.get("EREF"))
    info.remittance = clean(keys.get("SVWZ")) or clean(keys[""]) or info.remittance
    info.return_reason = clean(keys.get("RTRN"))


def _dk(lines: list[str], gvc: str) -> Info:
    joined = "".join(lines)
    parts = _SUB.split(joined[3:])
    sub: dict[str, list[str]] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=True):
        sub.setdefault(code, []).append(value)
    text_codes = [f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"]
    remittance = "".join("".join(sub.get(code, [])) for code in text_codes)
    info = Info(gvc=gvc)
    info.remittance = clean(remittance)
    if _SEPA.search(remittance):
        _from_sepa(info, remittance)
    info.counterparty_account = clean("".join(sub.get("31", [])))
    info.counterparty_name = clean("".join(sub.get("32", [])) + "".join(sub.get("33", [])))
    return info


def _dutch(joined: str) -> Info:
    parts = _SLASH.split(joined)
    fields: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        fields.setdefault(key, value.strip("/ "))
    info = Info(gvc=clean(fields.get("TRCD")))
    cntp = fields.get("CNTP", "").split("/")
    info.counterparty_account = clean(fields.get("IBAN") or (cntp[0] if cntp else None))
    name = fields.get("NAME") or (cntp[2] if len(cntp) > 2 else None)
    info.counterparty_name = clean(name)
    remi = fields.get("REMI", "")
    if remi.startswith("USTD"):
        info.remittance = clean(remi[4:].lstrip("/"))
    elif remi.startswith("STRD"):
        info.structured_ref = clean(remi.rsplit("/", 1)[-1])
    elif remi:
        info.remittance = clean(remi)
    info.end_to_end_id = _e2e(fields.get("EREF"))
    info.return_reason = clean(fields.get("RTRN"))
    return info


def parse_info(lines: list[str]) -> Info:
    """The fields of one `:86:` (its value lines, tag removed)."""
    joined = "".join(lines)
    gvc = _GVC.match(joined)
    if gvc:
        info = _dk(lines, gvc.group(1))
    elif joined.startswith("/") and _SLASH.match(joined):
        info = _dutch(joined)
    else:
        info = Info(remittance=clean("\n".join(line.rstrip() for line in lines)))
        if _SEPA.search(joined):
            _from_sepa(info, joined)
    if info.structured_ref is None:
        info.structured_ref = find_creditor_reference(info.remittance)
    return info
