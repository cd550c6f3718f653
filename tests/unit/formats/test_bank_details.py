"""Field extraction details: :86: structures, reversals, currencies, detection, CSV strictness."""

from __future__ import annotations

from decimal import Decimal

import pytest

from o2c.formats import BankFileError, detect_format, minor_units, parse
from o2c.formats.currency import CurrencyError, from_minor, to_amount
from o2c.formats.mt940_info import parse_info

MT940 = b"""{1:F01BANKDEFFAXXX0000000000}{2:O9401200260302BANKDEFFAXXX00000000002603021200N}{4:
:20:STMT1
:25:DE89370400440532013000
:28C:1/1
:60F:C260301EUR100,00
:61:2603020302CR300,NTRFNONREF//BREF1
:86:166?00SEPA-GUTSCHRIFT?109310?20EREF+E2E-4711?21KREF+K1?22SVWZ+RE 2026-001 RF185
?2339007547034 DANKE?30GENODEF1XXX?31DE02120300000000202051?32ACME
?33 GMBH
:61:2603020302RC50,NTRFNONREF//BREF2
:86:/EREF/E2E-9/RTRN/AC04/CNTP/NL91ABNA0417164300/ABNANL2A/JOHN DOE/AMS
TERDAM/REMI/USTD//RETURN INV 9/
:62F:C260302EUR350,00
-}
"""


def test_mt940_dk_and_dutch_structures() -> None:
    [statement] = parse(MT940)
    credit, reversal = statement.transactions
    assert (credit.amount, credit.direction) == (Decimal("300.00"), "credit")
    assert credit.bank_code == "166"
    assert credit.end_to_end_id == "E2E-4711"
    assert credit.remittance == "RE 2026-001 RF18539007547034 DANKE"
    assert credit.structured_ref == "RF18539007547034"
    assert (credit.counterparty_name, credit.counterparty_account) == (
        "ACME GMBH", "DE02120300000000202051")
    assert reversal.direction == "debit" and reversal.reversal  # RC: reversal of a credit
    assert (reversal.return_reason, reversal.reverses_ref) == ("AC04", "E2E-9")
    assert reversal.counterparty_name == "JOHN DOE" and reversal.remittance == "RETURN INV 9"


def test_mt940_rd_is_a_credit() -> None:
    data = MT940.replace(b"2603020302RC50,", b"2603020302RD50,").replace(b"350,00", b"450,00")
    [statement] = parse(data)
    assert statement.transactions[1].direction == "credit"


def test_info_free_text_keeps_lines() -> None:
    info = parse_info(["GIRO 428428 KPN", "BETREFT FACTUUR"])
    assert info.remittance == "GIRO 428428 KPN\nBETREFT FACTUUR" and info.gvc is None


def test_minor_units() -> None:
    assert [minor_units(c) for c in ("JPY", "KRW", "ISK", "CLP", "VND", "HUF", "EUR")] == [
        0, 0, 0, 0, 0, 2, 2]
    assert {minor_units(c) for c in ("BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD")} == {3}
    assert from_minor(12345, "BHD") == Decimal("12.345") and from_minor(500, "JPY") == 500
    assert to_amount("3.100", "CHF") == Decimal("3.10")
    with pytest.raises(CurrencyError):
        to_amount("1.5", "JPY")


def test_bai2_jpy_uses_no_implied_decimals() -> None:
    data = (b"01,A,B,260302,1200,1,,,2/\n02,B,A,1,260302,,JPY,2/\n03,123,,010,1000,,,015,1500,,/\n"
            b"16,195,500,Z,R1,,PAYMENT/\n49,3000,3/\n98,3000,1,5/\n99,3000,1,7/\n")
    [statement] = parse(data)
    assert statement.transactions[0].amount == Decimal(500)
    assert statement.summary.closing == Decimal(1500)


def test_detection() -> None:
    assert detect_format(b"\xef\xbb\xbf01,X,Y,") == "bai2"
    assert detect_format(MT940[:300]) == "mt940"
    assert detect_format(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:'
                         b'xsd:camt.054.001.08">') == "camt.054"  # fmt: skip
    with pytest.raises(BankFileError):
        detect_format(b"%PDF-1.4")


CSV = (b"account,date,amount,currency,counterparty,remittance,reference,balance,kind\n"
       b"DE1,2026-03-02,100.00,EUR,,,,,opening\n"
       b'DE1,2026-03-02,25.50,EUR,ACME,"INV-1\nINV-2",R1,125.50,\n'
       b"DE1,2026-03-02,-5.00,EUR,Bank,Fee,R2,120.50,\n"
       b"DE1,2026-03-02,120.50,EUR,,,,,closing\n")  # fmt: skip


def test_csv_layout() -> None:
    [statement] = parse(CSV)
    first, fee = statement.transactions
    assert (first.remittance, first.source_line, fee.direction) == ("INV-1\nINV-2", 3, "debit")
    assert statement.summary.closing == Decimal("120.50")


@pytest.mark.parametrize(("change", "message"), [
    ((b"-5.00,EUR,Bank", b"-5.10,EUR,Bank"), "line 5: balance column says 120.50, but the "
     "previous balance 125.50 + amount -5.10 = 120.40"),
    ((b"25.50,EUR", b"25,50,EUR"), "row has 10 fields"),
    ((b"reference,balance", b"reference,saldo"), "unknown column(s) saldo"),
    ((b"120.50,EUR,,,,,closing", b"120.40,EUR,,,,,closing"), "but the closing row says 120.40"),
])  # fmt: skip
def test_csv_is_strict(change: tuple[bytes, bytes], message: str) -> None:
    with pytest.raises(BankFileError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("+", r"\+")):  # fmt: skip
        list(parse(CSV.replace(*change)))
