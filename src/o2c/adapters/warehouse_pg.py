"""The PostgreSQL warehouse: `raw.*` and `app.*` in a database many workers write at once.

Unlike the DuckDB file there is no single-writer slot: PostgreSQL's own locks keep the data
right (a unique checksum in the file ledger, advisory locks around ledger and journal writes),
so each worker simply opens its own short-lived connection.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from psycopg import sql

from o2c.adapters.schema_pg import all_pg_ddl
from o2c.settings import Settings

SCHEMA_LOCK = "o2c:schema"
LEDGER_LOCK = "o2c:file_ledger"
T = TypeVar("T")
W = TypeVar("W")


def advisory_key(name: str) -> int:
    """A stable 32-bit key for pg_advisory_*lock (same name, same lock, in every process)."""
    return zlib.crc32(name.encode())


def dsn(settings: Settings) -> str:
    if settings.postgres_dsn is None:
        raise ValueError("O2C_WAREHOUSE_BACKEND=postgres needs O2C_POSTGRES_DSN, a libpq "
                         "connection string such as 'host=db dbname=o2c user=o2c'")
    return settings.postgres_dsn.get_secret_value()


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create what is missing; serialised, since concurrent `create if not exists` can clash."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", [advisory_key(SCHEMA_LOCK)])
        for statement in all_pg_ddl():
            conn.execute(statement)


@contextmanager
def connect(conninfo: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection: every write opens its own transaction block."""
    conn = psycopg.connect(conninfo, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def writer(settings: Settings) -> Iterator[psycopg.Connection]:
    """A short-lived connection with the schema ensured (no global slot: PostgreSQL locks)."""
    with connect(dsn(settings)) as conn:
        ensure_schema(conn)
        yield conn


def copy_rows(conn: psycopg.Connection, table: str, columns: list[str], rows: Iterable) -> None:
    """COPY `rows` into `table` (schema-qualified or not): the fast path for many rows."""
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(*table.split(".")), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def claim_file(conn: psycopg.Connection, checksum: str) -> str | None:
    """Hold these bytes until commit (a second worker with the same file waits here); the
    source_file_id they were already loaded under, if any."""
    conn.execute("select pg_advisory_xact_lock(%s)", [advisory_key(f"o2c:file:{checksum}")])
    row = conn.execute("select source_file_id from raw.file_ledger where checksum_sha256 = %s",
                       [checksum]).fetchone()
    return row[0] if row else None


def next_version(conn: psycopg.Connection, key: str) -> tuple[int, int]:
    """The file's version and the next load_seq, under a ledger lock held until commit: a
    gap-free load_seq, and version counts that see every earlier load."""
    conn.execute("select pg_advisory_xact_lock(%s)", [advisory_key(LEDGER_LOCK)])
    row = conn.execute("select count(*) filter (where path = %s) + 1, "
                       "coalesce(max(load_seq), 0) + 1 from raw.file_ledger", [key]).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def each_group_in_order(conn: psycopg.Connection, groups: list[tuple[str, list[W]]],
                        load: Callable[[W], T]) -> list[T]:
    """Load every group's work in its order, a group at a time under its session lock; groups
    another worker holds are taken up last (by then most of it is `already_loaded`).

    Several workers can walk the same list: each group is worked in order by one of them at
    a time, so its files get their load_seq in landing order whichever worker loads them.
    """
    def locked(name: str, work: list[W]) -> list[T]:
        try:
            return [load(w) for w in work]
        finally:
            conn.execute("select pg_advisory_unlock(%s)", [advisory_key(name)])

    out: list[T] = []
    busy = []
    for name, work in groups:
        row = conn.execute("select pg_try_advisory_lock(%s)", [advisory_key(name)]).fetchone()
        if row and row[0]:
            out += locked(name, work)
        else:
            busy.append((name, work))
    for name, work in busy:
        conn.execute("select pg_advisory_lock(%s)", [advisory_key(name)])
        out += locked(name, work)
    return out
