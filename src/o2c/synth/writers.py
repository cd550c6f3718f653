"""Write a company to the landing-zone layout the ERP ingestion reads.

    OUT/erp/<dataset>/<dataset>_<as_of>.<csv|parquet|jsonl>   one file per dataset
    OUT/truth/<table>.csv                                      ground truth, always CSV
    OUT/bank/<entity>-<currency>-<bank>/...                    bank statements (synth.bank)

CSV: ISO dates, `true`/`false`, empty field for a missing value. Parquet: typed dates, ints
and booleans, money and rates as exact decimal strings, null for a missing value. JSON Lines:
one object per row, the same values as CSV, null for a missing value.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from o2c.synth.bank import write_bank_files
from o2c.synth.company import Company

FORMATS = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl"}


def dataset_path(out_dir: Path, dataset: str, as_of: str, fmt: str) -> Path:
    return out_dir / "erp" / dataset / f"{dataset}_{as_of}.{FORMATS[fmt]}"


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        pa_csv.write_csv(table, path)
    elif fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    elif fmt == "jsonl":
        _write_jsonl(table, path)
    else:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _write_jsonl(table: pa.Table, path: Path) -> None:
    columns = [
        pc.strftime(col, format="%Y-%m-%d") if pa.types.is_date(col.type) else col
        for col in table.columns
    ]
    frame = pa.Table.from_arrays(columns, names=table.column_names).to_pandas()
    frame.to_json(path, orient="records", lines=True, force_ascii=False)


def write_company(company: Company, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Write every ERP dataset in `fmt`, the ground truth as CSV and the bank files; returns the
    paths by name (bank files by their key, `bank/<account>/...`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    as_of = company.as_of.isoformat()
    written: dict[str, Path] = {}
    for name, table in company.erp.items():
        written[name] = dataset_path(out_dir, name, as_of, fmt)
        write_table(table, written[name], fmt)
    for name, table in company.truth.items():
        written[f"truth/{name}"] = out_dir / "truth" / f"{name}.csv"
        write_table(table, written[f"truth/{name}"], "csv")
    if "bank_lines" in company.truth:
        for key in write_bank_files(company, out_dir):
            written[key] = out_dir / key
    return written
