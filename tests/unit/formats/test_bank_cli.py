"""`o2c bank parse FILE [--json] [--no-verify]` as a data engineer uses it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from o2c.formats.cli import bank_app

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "bank-samples"
runner = CliRunner()


def test_prints_format_and_one_summary_line_per_statement() -> None:
    result = runner.invoke(bank_app, ["parse", str(SAMPLES / "bai2/moov_sample1.txt")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "format: bai2"
    assert lines[1].startswith("statement 001/1/1 account 10200123456 CAD 2006-03-17:")
    assert "3 credits 2,085.00, 8 debits 2,085.00" in lines[1]
    assert len(lines) == 3


def test_json_lines_carry_the_normalised_keys() -> None:
    path = SAMPLES / "camt/camt053.v2.multi.statement.xml"
    result = runner.invoke(bank_app, ["parse", "--json", str(path)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 2
    assert rows[1]["amount"] == "7.00" and rows[1]["direction"] == "debit"
    for key in ("account", "currency", "value_date", "booking_date", "bank_ref", "end_to_end_id",
                "counterparty_name", "structured_ref", "remittance"):  # fmt: skip
        assert key in rows[0]


def test_rejected_file_exits_non_zero_with_the_error() -> None:
    result = runner.invoke(bank_app, ["parse", str(SAMPLES / "mt940/jejik_ing.sta")])
    assert result.exit_code == 1
    assert "line 26: statement MPBZ/000:" in result.output
    assert "but closing (:62F:) says 3.47: rejected" in result.output


def test_no_verify_parses_and_warns() -> None:
    result = runner.invoke(bank_app, ["parse", "--no-verify",
                                      str(SAMPLES / "mt940/jejik_abnamro.sta")])  # fmt: skip
    assert result.exit_code == 0
    assert result.output.count("warning: line ") == 2
    assert "0 credits 0, 8 debits 321.44" in result.output


def test_unknown_content_is_rejected(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"hello\n")
    result = runner.invoke(bank_app, ["parse", str(junk)])
    assert result.exit_code == 1 and "not a bank statement format" in result.output
