"""The warehouse tables on PostgreSQL: the DuckDB DDL of `schema.py`, translated, plus the
constraints that let several writers share one database.

The column lists live once, in `schema.py`; here only the type names change and PostgreSQL
gets the unique indexes it enforces across connections (a file's checksum in the ledger,
a journal's key and chain position).
"""

from __future__ import annotations

import re

from o2c.adapters.schema import JOURNALS, all_ddl

# DuckDB type name -> PostgreSQL; the rest (DATE, DECIMAL, INTEGER, BIGINT, BOOLEAN,
# TIMESTAMP) mean the same on both
PG_TYPES = {"VARCHAR": "TEXT"}

CONSTRAINTS_DDL = [
    # the same bytes load once, whichever worker gets there first
    "create unique index if not exists file_ledger_checksum_uq "
    "on raw.file_ledger (checksum_sha256)",
    "create index if not exists file_deliveries_seen_ix "
    "on raw.file_deliveries (path, landing_version)",
    *[stmt for j in JOURNALS.values() for stmt in (
        f"create unique index if not exists {j.name}_key_uq on {j.table} ({j.key})",
        f"create unique index if not exists {j.name}_seq_uq on {j.table} (seq)",
    )],
]


def translate(statement: str) -> str:
    """One DuckDB DDL statement in PostgreSQL's words."""
    for duck, pg in PG_TYPES.items():
        statement = re.sub(rf"\b{duck}\b", pg, statement)
    return statement


def all_pg_ddl() -> list[str]:
    return [translate(s) for s in all_ddl()] + CONSTRAINTS_DDL
