"""Bank statement files into a PostgreSQL warehouse, safe with several workers loading at once.

Same rules as `o2c.ingest.bank` (a file loads whole or is rejected whole, the checksum ledger,
payment identities); the concurrency is `o2c.ingest.erp_pg`'s: an advisory lock per checksum
(the same bytes load once), the ledger lock for a gap-free load_seq, and `load_all` works an
account's files in landing order under that account's lock — accounts fan out across workers,
and a payment seen in two files of its account still resolves to the later load in dbt.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from itertools import groupby

import psycopg
import pyarrow as pa

from o2c.adapters.landing import LandedFile, LandingZone
from o2c.adapters.warehouse_pg import claim_file, copy_rows, each_group_in_order, next_version
from o2c.formats import BankFileError
from o2c.ingest.bank import (
    BANK_PREFIX,
    TRANSACTION_COLUMNS,
    BankFileOutcome,
    delivery_row,
    ledger_row,
    pending,
    reject,
    stage_all,
)


class _PgSink:
    too_big = (pa.ArrowInvalid, psycopg.errors.NumericValueOutOfRange)

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def statement(self, values: list[object]) -> None:
        _insert(self.conn, "raw.bank_statements", values)

    def transactions(self, batch: pa.Table) -> None:
        columns = [batch.column(name).to_pylist() for name in TRANSACTION_COLUMNS]
        copy_rows(self.conn, "raw.bank_transactions", list(TRANSACTION_COLUMNS),
                  zip(*columns, strict=True))


def _insert(conn: psycopg.Connection, table: str, values: list[object]) -> None:
    conn.execute(f"insert into {table} values (" + ", ".join(["%s"] * len(values)) + ")",
                 values)


def load_bank_file(conn: psycopg.Connection, landed: LandedFile, data: bytes,
                   now: datetime | None = None) -> BankFileOutcome:
    """Load one landed bank file whole or reject it whole, once however many workers hold it."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    checksum = hashlib.sha256(data).hexdigest()
    outcome = BankFileOutcome(landed.key, "loaded", source_file_id=checksum[:16])
    with conn.transaction():
        known = claim_file(conn, checksum)
        if known:
            outcome.status, outcome.source_file_id = "already_loaded", known
            _insert(conn, "raw.file_deliveries", delivery_row(landed, checksum, outcome, now))
            return outcome
        try:
            with conn.transaction():  # a savepoint: a rejected file leaves no row behind
                stage_all(_PgSink(conn), data, outcome)
        except BankFileError as exc:
            reject(outcome, exc)
        outcome.version, load_seq = next_version(conn, landed.key)
        _insert(conn, "raw.file_ledger", ledger_row(landed, data, checksum, outcome, load_seq,
                                                    now))
        _insert(conn, "raw.file_deliveries", delivery_row(landed, checksum, outcome, now))
    return outcome


def account_of(key: str) -> str:
    """`bank/<account>/…`: files are delivered per account (a loose file is its own group)."""
    parts = key.split("/")
    return parts[1] if len(parts) > 2 else key


def load_all(conn: psycopg.Connection, landing: LandingZone) -> list[BankFileOutcome]:
    """Load every pending bank file, an account at a time in landing order (see
    `each_group_in_order`): several workers may run this at once."""
    files = sorted(pending(conn, list(landing.list(BANK_PREFIX))),
                   key=lambda f: (account_of(f.key), f.key))
    groups = [(f"o2c:bank-account:{account}", list(group))
              for account, group in groupby(files, key=lambda f: account_of(f.key))]
    outcomes = each_group_in_order(
        conn, groups, lambda f: load_bank_file(conn, f, landing.read(f.key)))
    if any(o.status == "loaded" for o in outcomes):
        conn.execute("analyze raw.file_ledger, raw.bank_statements, raw.bank_transactions")
    return outcomes
