"""Files on disk: the landing-zone layout, the formats, and byte-identical reruns."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from o2c.contracts.datasets import DATASETS
from o2c.synth import generate, generate_company, write_company

AS_OF = date(2026, 1, 15)


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_same_seed_writes_byte_identical_files(tmp_path, fmt):
    for run in ("a", "b"):
        write_company(generate_company(40, seed=3, as_of=AS_OF, months=6), tmp_path / run, fmt)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_another_seed_gives_another_company(tmp_path):
    write_company(generate_company(40, seed=3, as_of=AS_OF, months=6), tmp_path / "a", "csv")
    write_company(generate_company(40, seed=4, as_of=AS_OF, months=6), tmp_path / "b", "csv")
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert a.keys() == b.keys()
    assert a["erp/invoices/invoices_2026-01-15.csv"] != b["erp/invoices/invoices_2026-01-15.csv"]


def test_generate_writes_the_landing_layout(tmp_path):
    summary = generate(customers=30, seed=1, out=tmp_path, fmt="csv", as_of=AS_OF)
    for name, spec in DATASETS.items():
        path = tmp_path / "erp" / name / f"{name}_2026-01-15.csv"
        assert summary.files[name] == path
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0] == spec.column_names
        assert len(rows) - 1 == summary.rows[name]
    for name in ("payments", "payment_invoices", "receipt_invoices", "customer_behaviour"):
        assert (tmp_path / "truth" / f"{name}.csv").exists()
    assert summary.lines()


def test_csv_writes_iso_dates_booleans_and_empty_missing_values(tmp_path):
    generate(customers=30, seed=1, out=tmp_path, fmt="csv", as_of=AS_OF)
    with (tmp_path / "erp/invoices/invoices_2026-01-15.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["is_disputed"] for r in rows} <= {"true", "false"}
    assert all(len(r["issue_date"]) == 10 and r["issue_date"][4] == "-" for r in rows)
    assert "" in {r["po_number"] for r in rows}


def test_parquet_and_jsonl_hold_the_same_rows(tmp_path):
    company = generate_company(30, seed=1, as_of=AS_OF, months=6)
    write_company(company, tmp_path / "pq", "parquet")
    write_company(company, tmp_path / "js", "jsonl")
    table = pq.read_table(tmp_path / "pq/erp/receipts/receipts_2026-01-15.parquet")
    assert table.equals(company.receipts)
    lines = (tmp_path / "js/erp/receipts/receipts_2026-01-15.jsonl").read_text("utf-8")
    records = [json.loads(line) for line in lines.splitlines()]
    assert len(records) == company.receipts.num_rows
    assert list(records[0]) == DATASETS["receipts"].column_names
    assert any(r["application_id"] is None for r in records)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="xlsx"):
        generate(customers=5, seed=1, out=tmp_path, fmt="xlsx", as_of=AS_OF)
