"""Load ERP extracts from the landing zone into `raw.*`, once each, with lineage.

A file is identified by the sha256 of its bytes: the same bytes delivered twice (under any
name) load once. A new content at a known path is that file's next version; dbt's staging
keeps only the newest version of each business key. Each file loads in one transaction:
its good rows, its quarantined rows and its ledger row commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

import duckdb
import pandas as pd

from o2c.adapters.landing import LandedFile
from o2c.contracts.datasets import DATASETS, Column, Dataset
from o2c.contracts.erp import BOOL_TEXT, validate
from o2c.ingest.readers import FileRejected, file_format, read_extract

ERP_PREFIX = "erp/"
TRUE_TEXT = tuple(v for v in BOOL_TEXT if v in ("true", "1", "yes", "t", "y"))


@dataclass
class FileOutcome:
    key: str
    dataset: str
    status: str  # loaded | rejected | already_loaded
    source_file_id: str = ""
    version: int = 0
    rows_total: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    top_reasons: list[tuple[str, int]] = field(default_factory=list)


def dataset_of(key: str) -> str | None:
    """`erp/<dataset>/<file>` -> dataset name, if it is one we know and a format we read."""
    parts = PurePosixPath(key).parts
    if len(parts) >= 3 and parts[0] == "erp" and parts[1] in DATASETS and file_format(key):
        return parts[1]
    return None


def pending(con: duckdb.DuckDBPyConnection, files: list[LandedFile]) -> list[LandedFile]:
    """Files not yet seen in this exact landed version (unchanged files are not re-read)."""
    seen = set(con.execute("select path, landing_version from raw.file_deliveries").fetchall())
    return [f for f in files if dataset_of(f.key) and (f.key, f.version) not in seen]


def _cast(column: Column) -> str:
    value = f"nullif({column.name}, '')"
    casts = {
        "text": value,
        "date": f"cast({value} as date)",
        "money": f"cast({value} as decimal(19,4))",
        "rate": f"cast({value} as decimal(18,10))",
        "int": f"cast({value} as integer)",
        "bool": f"lower({column.name}) in {TRUE_TEXT}",
    }
    return f"{casts[column.type]} as {column.name}"


def _insert_good(con: duckdb.DuckDBPyConnection, dataset: Dataset, good: pd.DataFrame,
                 source_file_id: str) -> None:
    frame = good.assign(source_row=good.index + 1)
    con.register("_good", frame)
    select = ", ".join(_cast(c) for c in dataset.columns)
    con.execute(
        f"insert into raw.{dataset.name} by name select {select}, "
        f"? as source_file_id, source_row from _good order by source_row",
        [source_file_id],
    )
    con.unregister("_good")


def _insert_quarantine(con: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame,
                       reasons: pd.Series, source_file_id: str, now: datetime) -> None:
    rows = pd.DataFrame({
        "source_file_id": source_file_id,
        "dataset": dataset.name,
        "source_row": reasons.index + 1,
        "reason": reasons.values,
        "record": [json.dumps(r, ensure_ascii=False) for r in
                   frame.loc[reasons.index].to_dict("records")],
        "quarantined_at": now,
    })
    con.register("_quarantine", rows)
    con.execute("insert into raw.quarantine by name select * from _quarantine")
    con.unregister("_quarantine")


def _record_delivery(con: duckdb.DuckDBPyConnection, landed: LandedFile, checksum: str,
                     outcome: FileOutcome, now: datetime) -> None:
    con.execute("insert into raw.file_deliveries values (?, ?, ?, ?, ?, ?)",
                [landed.key, landed.version, checksum, outcome.source_file_id, outcome.status,
                 now])


def load_file(con: duckdb.DuckDBPyConnection, landed: LandedFile, data: bytes,
              now: datetime | None = None) -> FileOutcome:
    """Load one landed ERP file (idempotent: bytes already in the ledger load nothing)."""
    if not isinstance(con, duckdb.DuckDBPyConnection):  # a PostgreSQL warehouse
        from o2c.ingest import erp_pg

        return erp_pg.load_file(con, landed, data, now)
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    dataset = DATASETS[dataset_of(landed.key) or ""]
    checksum = hashlib.sha256(data).hexdigest()
    outcome = FileOutcome(landed.key, dataset.name, "loaded", source_file_id=checksum[:16])
    con.execute("begin transaction")
    try:
        known = con.execute("select source_file_id from raw.file_ledger "
                            "where checksum_sha256 = ?", [checksum]).fetchone()
        if known:
            outcome.status, outcome.source_file_id = "already_loaded", known[0]
            _record_delivery(con, landed, checksum, outcome, now)
            con.execute("commit")
            return outcome
        outcome.version, load_seq = con.execute(
            "select count(*) filter (where path = ?) + 1, coalesce(max(load_seq), 0) + 1 "
            "from raw.file_ledger", [landed.key]).fetchone()
        try:
            frame = read_extract(data, file_format(landed.key) or "", dataset)
        except FileRejected as exc:
            outcome.status = "rejected"
            outcome.error = f"{landed.key}: rejected, nothing loaded. {exc}"
        else:
            checked = validate(dataset.name, frame)
            outcome.rows_total = len(frame)
            outcome.rows_loaded = len(checked.good)
            outcome.rows_quarantined = len(checked.reasons)
            outcome.top_reasons = Counter(checked.reasons).most_common(5)
            _insert_good(con, dataset, checked.good, outcome.source_file_id)
            if len(checked.reasons):
                _insert_quarantine(con, dataset, frame, checked.reasons,
                                   outcome.source_file_id, now)
        con.execute(
            "insert into raw.file_ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [outcome.source_file_id, landed.key, dataset.name, file_format(landed.key),
             checksum, landed.version, len(data), outcome.version, load_seq, outcome.status,
             outcome.rows_total, outcome.rows_loaded, outcome.rows_quarantined, outcome.error,
             now],
        )
        _record_delivery(con, landed, checksum, outcome, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return outcome
