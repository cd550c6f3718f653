"""`parse`: any supported bank file, detected from its content, as a stream of statements."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from o2c.formats._common import Controls, Warn
from o2c.formats.bai2 import parse_bai2
from o2c.formats.bankcsv import parse_csv
from o2c.formats.camt import parse_camt
from o2c.formats.currency import CurrencyError
from o2c.formats.detect import HEAD_BYTES, detect_format
from o2c.formats.mt940 import parse_mt940
from o2c.formats.records import BankFileError, Statement


def parse(
    data: bytes | BinaryIO,
    *,
    verify: bool = True,
    on_discrepancy: Warn | None = None,
    kind: str | None = None,
) -> Iterator[Statement]:
    """Yield the file's statements one by one; see the package docstring for the contract.

    With `verify=False` a control total that does not reconcile is handed to `on_discrepancy`
    instead of raised (inspection only); a malformed file raises either way.
    """
    source, detected = _open(data, sniff=kind is None)
    kind = kind or detected
    controls = Controls(verify, on_discrepancy)
    if kind == "bai2":
        inner = parse_bai2(source, controls)
    elif kind.startswith("camt."):
        inner = parse_camt(source, controls, kind)
    elif kind in ("mt940", "mt942"):
        inner = parse_mt940(source, controls, kind)
    elif kind == "csv":
        inner = parse_csv(source, controls)
    else:
        raise BankFileError(f"unknown format {kind!r}")
    try:
        yield from inner
    except BankFileError:
        raise
    except CurrencyError as exc:  # a currency code no line-level check caught
        raise BankFileError(str(exc)) from None
    except (RecursionError, MemoryError, ValueError, ArithmeticError, LookupError) as exc:
        # last resort, so that no input escapes as another exception type; the fuzz tests
        # fail if any input reaches this line
        raise BankFileError(f"file cannot be read ({type(exc).__name__}: {exc})") from exc


def _open(data: bytes | BinaryIO, sniff: bool = True) -> tuple[BinaryIO, str]:
    """The stream to read from, and its detected format; the stream is left at its start."""
    if isinstance(data, bytes | bytearray | memoryview):
        stream = io.BytesIO(bytes(data))
        return stream, detect_format(bytes(data[:HEAD_BYTES])) if sniff else ""
    if not sniff:
        return data, ""
    if data.seekable():
        position = data.tell()
        head = data.read(HEAD_BYTES)
        data.seek(position)
        return data, detect_format(head)
    buffered = io.BufferedReader(data, HEAD_BYTES * 2)  # type: ignore[arg-type]
    return buffered, detect_format(buffered.peek(HEAD_BYTES)[:HEAD_BYTES])


def sniff_format(data: bytes | BinaryIO) -> str:
    """The format `parse` would use for this file (a stream is left where it was)."""
    return _open(data)[1]
