"""The camt reader refuses DTDs: no external entities (XXE), no entity expansion."""

from __future__ import annotations

import pytest

from o2c.formats import BankFileError, parse

NS = b'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"'


def rejected(data: bytes) -> str:
    with pytest.raises(BankFileError) as caught:
        list(parse(data))
    return str(caught.value)


def test_external_entity_is_refused(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://'
            + str(secret).encode() + b'">]>\n<Document ' + NS + b"><BkToCstmrStmt><Stmt>"
            b"<Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>")  # fmt: skip
    message = rejected(data)
    assert "DOCTYPE" in message and "TOP SECRET" not in message


def test_entity_expansion_is_refused() -> None:
    lol = b"".join(b'<!ENTITY lol%d "&lol%d;&lol%d;&lol%d;&lol%d;">' % (i, i - 1, i - 1, i - 1,
                   i - 1) for i in range(1, 10))  # fmt: skip
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY lol0 "lol">' + lol + b"]>\n"
            b"<Document " + NS + b"><BkToCstmrStmt>&lol9;</BkToCstmrStmt></Document>")
    assert "line 2: XML document type declarations (DOCTYPE) are not accepted" in rejected(data)


def test_undeclared_entity_reference_is_malformed() -> None:
    data = (b'<?xml version="1.0"?>\n<Document ' + NS + b"><BkToCstmrStmt><Stmt><Id>&x;</Id>"
            b"</Stmt></BkToCstmrStmt></Document>")
    assert "not well-formed XML" in rejected(data)


def test_utf16_doctype_is_refused_too() -> None:
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE Document [<!ENTITY a "b">]>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>')
    with pytest.raises(BankFileError):
        list(parse(text.encode("utf-16"), kind="camt.053"))
