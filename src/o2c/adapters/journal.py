"""Append-only, hash-chained journals (`app.*`).

Rows carry deterministic ids and are inserted with an anti-join, so a retried or re-run task
adds nothing. Each row stores `prev_hash` and `row_hash = sha256(prev_hash | sha256(canonical
row))`, where the canonical row is every content column cast to text in table order plus
recorded_at; `verify` recomputes the chain and names the first row that does not fit. The
database hashes each row's content (in parallel, without shipping the text); only the short
links of the chain, which must follow one another, are made here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd
import pyarrow as pa

from o2c.adapters.schema import JOURNALS, Journal

CHAIN_COLUMNS = ("seq", "recorded_at", "prev_hash", "row_hash")


def _content_types(con: duckdb.DuckDBPyConnection, journal: Journal) -> dict[str, str]:
    """The journal's content columns and their SQL types, in table order."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'app' and table_name = ? order by ordinal_position",
        [journal.name],
    ).fetchall()
    return {name: sql_type for name, sql_type in rows if name not in CHAIN_COLUMNS}


def _content_columns(con: duckdb.DuckDBPyConnection, journal: Journal) -> list[str]:
    return list(_content_types(con, journal))


def _canonical_sql(columns: list[str]) -> str:
    parts = [f"coalesce(cast({c} as varchar), chr(0))" for c in columns]
    parts.append("cast(recorded_at as varchar)")
    return "concat_ws(chr(31), " + ", ".join(parts) + ")"


def _digest_sql(columns: list[str]) -> str:
    return f"sha256({_canonical_sql(columns)})"


def _link(prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{digest}".encode()).hexdigest()


def _chain(prev_hash: str, canonical: str) -> str:
    """The row hash after `prev_hash` of a row whose canonical text is `canonical`."""
    return _link(prev_hash, hashlib.sha256(canonical.encode()).hexdigest())


def _chained(prev_hash: str, digests: list[str]) -> tuple[list[str], list[str]]:
    """Each row's prev_hash and row_hash, in order."""
    prevs, hashes = [], []
    for digest in digests:
        prevs.append(prev_hash)
        prev_hash = _link(prev_hash, digest)
        hashes.append(prev_hash)
    return prevs, hashes


def append(
    con: duckdb.DuckDBPyConnection,
    journal_name: str,
    rows: pd.DataFrame | pa.Table,
    recorded_at: datetime | None = None,
) -> int:
    """Append the rows whose key is not in the journal yet; return how many were added.

    `rows` may be an Arrow table (a query's `.to_arrow_table()`): big batches skip pandas.
    """
    if not isinstance(con, duckdb.DuckDBPyConnection):  # a PostgreSQL warehouse
        from o2c.adapters import journal_pg

        frame = rows.to_pandas() if isinstance(rows, pa.Table) else rows
        return journal_pg.append(con, journal_name, frame, recorded_at)
    if len(rows) == 0:
        return 0
    order = pa.array(range(len(rows)), pa.int64())
    con.register("_incoming", rows.append_column("_ord", order) if isinstance(rows, pa.Table)
                 else rows.assign(_ord=range(len(rows))))
    try:
        return _append_incoming(con, JOURNALS[journal_name], "_incoming", [], recorded_at)
    finally:
        con.unregister("_incoming")


def append_query(con: duckdb.DuckDBPyConnection, journal_name: str, query: str,
                 params: list, recorded_at: datetime | None = None) -> int:
    """`append` for the rows of a DuckDB query: they never leave the database (a million
    applications would otherwise pass through Python). Besides the journal's columns the query
    yields `_ord`, distinct per row: the order they are chained in."""
    return _append_incoming(con, JOURNALS[journal_name], f"({query})", params, recorded_at)


def _append_incoming(con: duckdb.DuckDBPyConnection, journal: Journal, incoming: str,
                     params: list, recorded_at: datetime | None) -> int:
    """Append the rows of `incoming` (a table, or a query in parentheses taking `params`,
    with the journal's columns and `_ord`, their order)."""
    types = _content_types(con, journal)
    have = [d[0] for d in con.execute(f"select * from {incoming} limit 0", params).description]
    unknown = set(have) - set(types) - {"_ord"}
    if unknown:
        raise ValueError(f"{journal.table} has no column(s) {sorted(unknown)}")
    # each value as the journal stores it, so that its digest is the one `verify` recomputes
    stored = ", ".join(f"cast({c if c in have else 'null'} as {t}) as {c}"
                       for c, t in types.items())
    recorded = (recorded_at or datetime.now(UTC)).replace(tzinfo=None)
    hashes: list[str] = []
    try:
        con.execute("begin transaction")
        # the new rows staged with their content digests, in one pass; a key given twice
        # keeps its first row. Only narrow (key, order) and (order, digest) pairs are sorted
        con.execute(
            f"create or replace temp table _staged as "
            f"select *, {_digest_sql(list(types))} as _digest from ("
            f"  select {stored}, ?::timestamp as recorded_at, _ord from {incoming} i"
            f"  anti join {journal.table} t using ({journal.key})"
            f")",
            [recorded, *params],
        )
        con.execute(f"delete from _staged where _ord not in "
                    f"(select min(_ord) from _staged group by {journal.key})")
        staged = con.execute("select _ord, _digest from _staged order by _ord").to_arrow_table()
        last = con.execute(
            f"select seq, row_hash from {journal.table} order by seq desc limit 1"
        ).fetchone()
        seq, prev = last if last else (0, "")
        prevs, hashes = _chained(prev, staged.column("_digest").to_pylist())
        if hashes:
            con.register("_chain", pa.table({
                "_ord": staged.column("_ord"),
                "seq": pa.array(range(seq + 1, seq + 1 + len(hashes)), pa.int64()),
                "prev_hash": pa.array(prevs, pa.string()),
                "row_hash": pa.array(hashes, pa.string())}))
            inserted = con.execute(
                f"insert into {journal.table} by name "
                f"select s.* exclude (_ord, _digest), c.* exclude (_ord) "
                f"from _staged s join _chain c using (_ord)").fetchone()[0]
            con.unregister("_chain")
            if inserted != len(hashes):
                raise RuntimeError(f"{journal.table}: staged rows do not fit the chain")
        con.execute("drop table _staged")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(hashes)


@dataclass(frozen=True)
class ChainReport:
    journal: str
    rows: int
    broken_at: int | None  # seq of the first row that does not verify
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(con: duckdb.DuckDBPyConnection, journal_name: str) -> ChainReport:
    if not isinstance(con, duckdb.DuckDBPyConnection):  # a PostgreSQL warehouse
        from o2c.adapters import journal_pg

        return journal_pg.verify(con, journal_name)
    journal = JOURNALS[journal_name]
    columns = _content_columns(con, journal)
    cursor = con.execute(
        f"select seq, prev_hash, row_hash, {_digest_sql(columns)} "
        f"from {journal.table} order by seq"
    )
    expected_seq, prev, count = 1, "", 0
    while batch := cursor.fetchmany(10_000):
        for seq, prev_hash, row_hash, digest in batch:
            count += 1
            if seq != expected_seq:
                return ChainReport(journal.table, count, seq, f"expected seq {expected_seq}")
            if prev_hash != prev:
                return ChainReport(journal.table, count, seq, "prev_hash does not match")
            if row_hash != _link(prev, digest):
                return ChainReport(journal.table, count, seq, "row content changed")
            prev, expected_seq = row_hash, seq + 1
    return ChainReport(journal.table, count, None, None)


def verify_all(con: duckdb.DuckDBPyConnection) -> list[ChainReport]:
    return [verify(con, name) for name in JOURNALS]
