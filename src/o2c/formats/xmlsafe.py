"""Incremental XML reading that refuses DTDs: no DOCTYPE, so no entities, no XXE.

The document is fed to ElementTree's C pull parser line by line (lines bounded in length), so
every event is known to come from the line just fed. A small expat parser reads the same bytes
until the root element starts and refuses any DOCTYPE or ENTITY declaration on the way
(a DTD can only stand before the root element). Without a DTD, expat itself rejects any
entity reference other than the five predefined ones and character references.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

from o2c.formats._common import read_lines
from o2c.formats.records import BankFileError


class _RootSeen(Exception):
    pass


class _Refused(Exception):
    pass


class _PrologGuard:
    def __init__(self) -> None:
        self.done = False
        self._parser = expat.ParserCreate()
        self._parser.StartDoctypeDeclHandler = self._refuse_doctype
        self._parser.EntityDeclHandler = self._refuse_entity
        self._parser.StartElementHandler = self._root

    def _refuse_doctype(self, *_: object) -> None:
        raise _Refused("XML document type declarations (DOCTYPE) are not accepted")

    def _refuse_entity(self, *_: object) -> None:
        raise _Refused("XML entity declarations are not accepted")

    def _root(self, *_: object) -> None:
        raise _RootSeen

    def feed(self, data: bytes, line: int) -> None:
        try:
            self._parser.Parse(data, False)
        except _RootSeen:
            self.done = True
        except _Refused as exc:
            raise BankFileError(str(exc), line) from None
        except expat.ExpatError as exc:
            raise BankFileError(f"not well-formed XML: {expat.errors.messages.get(exc.code, exc)}",
                                line) from None  # fmt: skip


Event = tuple[str, ET.Element, int, bytes]  # (start|end, element, line, the line's bytes)


class Capture:
    """While `lines` is a list, every line fed is appended to it (the raw text of an element)."""

    def __init__(self) -> None:
        self.lines: list[bytes] | None = None


def xml_events(source: BinaryIO, capture: Capture | None = None) -> Iterator[Event]:
    """(event, element, line, raw line) for every start and end tag, DTDs refused."""
    guard = _PrologGuard()
    pull = ET.XMLPullParser(events=("start", "end"))
    number = 0
    for number, raw in read_lines(source):
        chunk = raw + b"\n"
        if capture is not None and capture.lines is not None:
            capture.lines.append(chunk)
        if not guard.done:
            guard.feed(chunk, number)
        try:
            pull.feed(chunk)
            for event, elem in pull.read_events():
                yield event, elem, number, chunk  # type: ignore[misc]
        except ET.ParseError as exc:
            raise BankFileError(f"not well-formed XML: {exc}", number) from None
    try:
        pull.close()
        for event, elem in pull.read_events():
            yield event, elem, number, b""  # type: ignore[misc]
    except ET.ParseError as exc:
        raise BankFileError(f"not well-formed XML: {exc}", number) from None
