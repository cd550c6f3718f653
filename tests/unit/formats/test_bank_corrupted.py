"""A reconciling sample with one amount changed or one line dropped is rejected, precisely."""

from __future__ import annotations

from decimal import Decimal

import pytest

from o2c.formats import BankFileError, parse


def reject(data: bytes) -> BankFileError:
    with pytest.raises(BankFileError) as caught:
        list(parse(data))
    return caught.value


def test_bai2_changed_amount_names_the_49_line_and_both_totals(sample) -> None:
    data = sample("bai2/moov_sample1.txt").replace(b"16,409,000000000002500,V,060316,,,,RETURNED",
                                                   b"16,409,000000000002600,V,060316,,,,RETURNED")
    error = reject(data)
    assert str(error) == ("line 16: account 10200123456 trailer 49 says total 834000, "
                          "but the records sum to 834100")  # fmt: skip


def test_bai2_dropped_line_names_the_record_count(sample) -> None:
    lines = sample("bai2/moov_sample1.txt").split(b"\n")
    del lines[5]  # one 16 record (90000) of section 1
    error = reject(b"\n".join(lines))
    assert error.line == 15
    assert "trailer 49 says total 834000, but the records sum to 744000" in str(error)


def test_bai2_group_trailer_mismatch_is_raised_after_the_statements(sample) -> None:
    data = sample("bai2/moov_sample1.txt").replace(b"98,+00000000001280000,2,25/",
                                                   b"98,+00000000001280000,2,26/")
    statements = []
    with pytest.raises(BankFileError, match=r"line 26: group 1 trailer 98 says 26 records, "
                                            r"but the file has 25"):  # fmt: skip
        for statement in parse(data):
            statements.append(statement)  # staged, never committed
    assert len(statements) == 2


def test_bai2_truncated_file_is_rejected(sample) -> None:
    data = sample("bai2/moov_sample1.txt").rsplit(b"\n", 1)[0]
    assert "without a 99 file trailer" in str(reject(data))


def test_camt_changed_amount_names_the_closing_balance(sample) -> None:
    data = sample("camt/camt053.v2.multi.statement.xml").replace(
        b'<Amt Ccy="EUR">7.00</Amt>', b'<Amt Ccy="EUR">7.10</Amt>')
    error = reject(data)
    assert error.line == 133  # the CLBD <Bal>
    assert str(error).endswith("opening 27.00 + credits 0 - debits 7.10 = 19.90, "
                               "but closing balance (CLBD) says 20.00")  # fmt: skip


def test_camt_dropped_line_is_rejected(sample) -> None:
    lines = sample("camt/camt053.v2.multi.statement.xml").split(b"\n")
    dropped = b"\n".join(line for line in lines if b"<CdtDbtInd>DBIT" not in line)
    assert "CdtDbtInd None is neither CRDT nor DBIT" in str(reject(dropped))
    amount_line = lines.index(b'                <Amt Ccy="EUR">7.00</Amt>')
    del lines[amount_line]
    assert f"line {amount_line}: Ntry has no Amt" in str(reject(b"\n".join(lines)))
    lines = sample("camt/camt053.v2.multi.statement.xml").split(b"\n")
    del lines[lines.index(b"            <MsgRcpt>")]  # an opening tag
    assert "not well-formed XML" in str(reject(b"\n".join(lines)))


def test_mt942_changed_amount_names_the_90c_line(sample) -> None:
    data = sample("mt940/mbank_mt942.sta").replace(b"CN0,01NTRFNONREF//MB170119012085",
                                                   b"CN0,02NTRFNONREF//MB170119012085")
    assert str(reject(data)) == ("line 26: statement ST170119CYC/0001/1/1: :90C: says 3 credits"
                                 " of 0.03, but the :61: lines have 3 of 0.04")  # fmt: skip


def test_mt942_dropped_entry_names_the_count(sample) -> None:
    lines = sample("mt940/mbank_mt942.sta").split(b"\n")
    del lines[12]  # the second :61:
    assert ":90C: says 3 credits of 0.03, but the :61: lines have 2 of 0.02" in str(reject(
        b"\n".join(lines)))


def test_mt940_reconciling_copy_of_a_fixture_passes_and_a_changed_one_fails(sample) -> None:
    fixed = sample("mt940/jejik_ing.sta").replace(b":62F:C100723EUR3,47", b":62F:D100723EUR45,59")
    [statement] = parse(fixed)
    assert statement.summary.closing == Decimal("-45.59")
    broken = fixed.replace(b"100722D3,03", b"100722D3,04")
    assert "= -45.60, but closing (:62F:) says -45.59" in str(reject(broken))
