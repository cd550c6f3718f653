"""ERP extracts into a PostgreSQL warehouse, safe with several workers loading at once.

Same rules as `o2c.ingest.erp` (one transaction per file, the checksum ledger, quarantine,
lineage); what differs is how concurrent loaders are kept apart:
  - a transaction-scoped advisory lock on the file's checksum: a second worker holding the
    same bytes waits, then finds them in the ledger and records `already_loaded`;
  - the unique index on `raw.file_ledger.checksum_sha256` backs that up;
  - version and load_seq are taken under a short ledger lock just before commit, so they
    stay gap-free while the parsing and row inserts of different files run in parallel;
  - `load_all` walks each dataset under a session lock, so a dataset's files get their
    load_seq in landing order (the newest file wins in dbt) however many workers run.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from itertools import groupby

import pandas as pd
import psycopg

from o2c.adapters.landing import LandedFile, LandingZone
from o2c.adapters.warehouse_pg import claim_file, copy_rows, each_group_in_order, next_version
from o2c.contracts.datasets import DATASETS, Dataset
from o2c.contracts.erp import validate
from o2c.ingest.erp import ERP_PREFIX, FileOutcome, dataset_of, pending
from o2c.ingest.erp import _cast as cast_column
from o2c.ingest.readers import FileRejected, file_format, read_extract


def _insert_good(conn: psycopg.Connection, dataset: Dataset, good: pd.DataFrame,
                 source_file_id: str) -> None:
    names = [c.name for c in dataset.columns]
    conn.execute("create temp table _good ("
                 + ", ".join(f"{n} text" for n in names)
                 + ", source_row integer) on commit drop")
    frame = good.reindex(columns=names, fill_value="").assign(source_row=good.index + 1)
    copy_rows(conn, "_good", [*names, "source_row"], frame.itertuples(index=False))
    select = ", ".join(cast_column(c) for c in dataset.columns)
    conn.execute(
        f"insert into raw.{dataset.name} ({', '.join(names)}, source_file_id, source_row) "
        f"select {select}, %s, source_row from _good order by source_row",
        [source_file_id],
    )


def _insert_quarantine(conn: psycopg.Connection, dataset: Dataset, frame: pd.DataFrame,
                       reasons: pd.Series, source_file_id: str, now: datetime) -> None:
    records = frame.loc[reasons.index].to_dict("records")
    rows = ((source_file_id, dataset.name, int(index) + 1, reason,
             json.dumps(record, ensure_ascii=False), now)
            for index, reason, record in zip(reasons.index, reasons.values, records,
                                             strict=True))
    copy_rows(conn, "raw.quarantine", ["source_file_id", "dataset", "source_row", "reason",
                                       "record", "quarantined_at"], rows)


def _record_delivery(conn: psycopg.Connection, landed: LandedFile, checksum: str,
                     outcome: FileOutcome, now: datetime) -> None:
    conn.execute("insert into raw.file_deliveries values (%s, %s, %s, %s, %s, %s)",
                 [landed.key, landed.version, checksum, outcome.source_file_id, outcome.status,
                  now])


def _read_and_insert(conn: psycopg.Connection, landed: LandedFile, data: bytes,
                     dataset: Dataset, outcome: FileOutcome, now: datetime) -> None:
    try:
        frame = read_extract(data, file_format(landed.key) or "", dataset)
    except FileRejected as exc:
        outcome.status = "rejected"
        outcome.error = f"{landed.key}: rejected, nothing loaded. {exc}"
        return
    checked = validate(dataset.name, frame)
    outcome.rows_total = len(frame)
    outcome.rows_loaded = len(checked.good)
    outcome.rows_quarantined = len(checked.reasons)
    outcome.top_reasons = Counter(checked.reasons).most_common(5)
    _insert_good(conn, dataset, checked.good, outcome.source_file_id)
    if len(checked.reasons):
        _insert_quarantine(conn, dataset, frame, checked.reasons, outcome.source_file_id, now)


def load_file(conn: psycopg.Connection, landed: LandedFile, data: bytes,
              now: datetime | None = None) -> FileOutcome:
    """Load one landed ERP file once, however many workers hold it at the same time."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    dataset = DATASETS[dataset_of(landed.key) or ""]
    checksum = hashlib.sha256(data).hexdigest()
    outcome = FileOutcome(landed.key, dataset.name, "loaded", source_file_id=checksum[:16])
    with conn.transaction():
        known = claim_file(conn, checksum)
        if known:
            outcome.status, outcome.source_file_id = "already_loaded", known
            _record_delivery(conn, landed, checksum, outcome, now)
            return outcome
        _read_and_insert(conn, landed, data, dataset, outcome, now)
        outcome.version, load_seq = next_version(conn, landed.key)
        conn.execute(
            "insert into raw.file_ledger values "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [outcome.source_file_id, landed.key, dataset.name, file_format(landed.key),
             checksum, landed.version, len(data), outcome.version, load_seq, outcome.status,
             outcome.rows_total, outcome.rows_loaded, outcome.rows_quarantined, outcome.error,
             now],
        )
        _record_delivery(conn, landed, checksum, outcome, now)
    return outcome


def load_all(conn: psycopg.Connection, landing: LandingZone) -> list[FileOutcome]:
    """Load every pending ERP file, a dataset at a time in landing order (see
    `each_group_in_order`): several workers may run this at once."""
    files = sorted(pending(conn, list(landing.list(ERP_PREFIX.rstrip("/")))),
                   key=lambda f: (dataset_of(f.key) or "", f.key))
    groups = [(f"o2c:dataset:{name}", list(group))
              for name, group in groupby(files, key=lambda f: dataset_of(f.key))]
    outcomes = each_group_in_order(conn, groups, lambda f: load_file(conn, f, landing.read(f.key)))
    loaded = sorted({o.dataset for o in outcomes if o.status == "loaded"})
    if loaded:  # fresh statistics, so dbt's queries right after get sensible plans
        conn.execute("analyze raw.file_ledger, " + ", ".join(f"raw.{d}" for d in loaded))
    return outcomes
