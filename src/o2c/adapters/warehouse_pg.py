"""The PostgreSQL warehouse: `raw.*` and `app.*` in a database many workers write at once.

Unlike the DuckDB file there is no single-writer slot: PostgreSQL's own locks keep the data
right (a unique checksum in the file ledger, advisory locks around ledger and journal writes),
so each worker simply opens its own short-lived connection.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from o2c.adapters.schema_pg import all_pg_ddl
from o2c.settings import Settings

SCHEMA_LOCK = "o2c:schema"


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
