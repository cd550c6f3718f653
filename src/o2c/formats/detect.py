"""Which bank-file format a file is, from its first bytes."""

from __future__ import annotations

import re

from o2c.formats.records import BankFileError

FORMATS = ("bai2", "camt.052", "camt.053", "camt.054", "mt940", "mt942", "csv")
HEAD_BYTES = 4096

_CAMT_NS = re.compile(rb"camt\.(05[234])\.\d{3}\.\d{2}")
_CAMT_ROOT = {
    b"BkToCstmrAcctRpt": "camt.052",
    b"BkToCstmrStmt": "camt.053",
    b"BkToCstmrDbtCdtNtfctn": "camt.054",
}
_MT_TAG = re.compile(rb"^:(20|25|28C?|60[FM]|61|62[FM]|13D|34F|90[DC]):", re.MULTILINE)
_MT_TYPE = re.compile(rb"(?:\{2:[IO]|^)(94[02])(?:\s|\d|$)", re.MULTILINE)
_CSV_HEADER = {"date", "amount", "currency"}


def detect_format(head: bytes) -> str:
    """One of FORMATS, from the first few KiB of a file; BankFileError if none fits."""
    text = head.lstrip(b"\xef\xbb\xbf\x01 \t\r\n")
    if text.startswith(b"<"):
        match = _CAMT_NS.search(text)
        if match:
            return "camt." + match.group(1).decode()
        for root, name in _CAMT_ROOT.items():
            if b"<" + root in text or b":" + root in text:
                return name
        raise BankFileError("XML file is not an ISO 20022 camt.052/053/054 message", 1)
    if text.startswith(b"01,"):
        return "bai2"
    if _MT_TAG.search(text):
        if re.search(rb"^:(13D|34F|90[DC]):", text, re.MULTILINE):
            return "mt942"
        kind = _MT_TYPE.search(text)
        return "mt942" if kind and kind.group(1) == b"942" else "mt940"
    first = text.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    if {cell.strip().strip('"') for cell in first.split(",")} >= _CSV_HEADER:
        return "csv"
    raise BankFileError(
        "not a bank statement format this parser knows (BAI2, camt.052/053/054, MT940/942, CSV)",
        1,
    )
