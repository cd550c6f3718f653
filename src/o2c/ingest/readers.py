"""Read an ERP extract (CSV, Parquet, JSON Lines) into an all-text frame.

Everything stays text until the contract has checked it, so `0012` stays `0012` and `10.10`
never becomes a float. Row positions are kept: row 1 is the first data row (CSV line 2).
"""

from __future__ import annotations

import io
import json
from pathlib import PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from o2c.contracts.datasets import FILE_FORMATS, Dataset


class FileRejected(ValueError):
    """The file as a whole cannot be loaded; nothing of it is."""


def file_format(key: str) -> str | None:
    return FILE_FORMATS.get(PurePosixPath(key).suffix.lower())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False,
        encoding="utf-8-sig", skipinitialspace=False,
    )


def _read_parquet(data: bytes) -> pd.DataFrame:
    table = pq.read_table(io.BytesIO(data))
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_floating(column.type):
            raise FileRejected(f"column {name} is a float ({column.type}); "
                               "send money and rates as decimal or text")
        text = pc.cast(column, pa.string())  # decimals, dates, ints, bools keep their exact text
        columns[name] = pc.fill_null(text, "").to_pandas()
    return pd.DataFrame(columns, dtype=str)


def _read_jsonl(data: bytes) -> pd.DataFrame:
    records = []
    for line_no, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_float=str, parse_int=str)
        except json.JSONDecodeError as exc:
            raise FileRejected(f"line {line_no}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise FileRejected(f"line {line_no}: expected a JSON object")
        records.append({k: _text(v) for k, v in record.items()})
    return pd.DataFrame.from_records(records).fillna("").astype(str)


READERS = {"csv": _read_csv, "parquet": _read_parquet, "jsonl": _read_jsonl}


def read_extract(data: bytes, fmt: str, dataset: Dataset) -> pd.DataFrame:
    """The file's rows as text, with exactly the dataset's columns; header problems reject it."""
    try:
        frame = READERS[fmt](data)
    except FileRejected:
        raise
    except Exception as exc:  # a malformed file of any kind is rejected whole
        raise FileRejected(f"cannot be read as {fmt}: {exc}") from None
    for column in dataset.columns:
        if column.added_later and column.name not in frame.columns:
            frame[column.name] = ""  # a file from before the column existed
    missing = [c for c in dataset.column_names if c not in frame.columns]
    if missing:
        raise FileRejected(
            f"header is missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(map(str, frame.columns)) or 'no header'})"
        )
    frame = frame[dataset.column_names].reset_index(drop=True)
    return frame.apply(lambda s: s.str.strip())
