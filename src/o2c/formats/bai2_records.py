"""BAI2 record layer: physical lines to logical records, each with its 88 continuations.

Records end with `/`; several may share a physical line (`…/  49,…/`), and a record may run
onto a physical line that does not start with a record code. An `88` record continues the
record before it (more summary fields after an `03`, more text after a `16`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from o2c.formats._common import decode
from o2c.formats.records import BankFileError

CODES = ("01", "02", "03", "16", "49", "88", "98", "99")
_START = re.compile(r"\s*(?:01|02|03|16|49|88|98|99),", re.ASCII)
_SPLIT = re.compile(r"/\s*(?=(?:01|02|03|16|49|88|98|99),)", re.ASCII)


@dataclass(slots=True)
class Record:
    """A record with its continuations: `fields` for 01-03/49/98/99, `text` for a 16's text."""

    code: str
    line: int
    body: str  # the record without its code, its `/` and its continuations
    continuations: list[str]
    raw: list[str]

    @property
    def n_records(self) -> int:
        return 1 + len(self.continuations)

    def fields(self) -> list[str]:
        """All comma-separated fields after the code, 88 continuations appended."""
        out = _fields(self.body)
        for more in self.continuations:
            out.extend(_fields(more))
        return out


def _fields(body: str) -> list[str]:
    body = body.rstrip()
    if body.endswith("/"):
        body = body[:-1]
    return [part.strip() for part in body.split(",")] if body else []


def _physical_records(lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, str]]:
    pending: tuple[int, str] | None = None
    for number, raw in lines:
        text = decode(raw)
        if not text.strip():
            continue
        if _START.match(text):
            if pending is not None:
                yield pending
            parts = _SPLIT.split(text.strip())
            for part in parts[:-1]:
                yield number, part + "/"
            pending = (number, parts[-1])
        elif pending is None:
            raise BankFileError(f"{text[:20]!r} does not start with a BAI2 record code", number)
        else:
            pending = (pending[0], pending[1] + " " + text.strip())
    if pending is not None:
        yield pending


def logical_records(lines: Iterable[tuple[int, bytes]]) -> Iterator[Record]:
    """Group each record with the 88 records that follow it."""
    current: Record | None = None
    for number, text in _physical_records(lines):
        code, _, body = text.strip().partition(",")
        if code == "88":
            if current is None:
                raise BankFileError("88 continuation record has nothing to continue", number)
            current.continuations.append(body)
            current.raw.append(text)
            continue
        if current is not None:
            yield current
        current = Record(code, number, body, [], [text])
    if current is not None:
        yield current
