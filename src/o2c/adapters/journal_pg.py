"""Append-only, hash-chained journals (`app.*`) on PostgreSQL.

The chain is the one of `o2c.adapters.journal`: `row_hash = sha256(prev_hash | sha256(canonical
row))`, the canonical row being every content column as text, NULL as chr(0), joined by chr(31),
then recorded_at. PostgreSQL text cannot hold chr(0), so the joining happens here in Python on the
columns cast to text by the database. Appenders to one journal are serialised by an EXCLUSIVE
table lock (readers still read): each sees the chain's last row before it extends it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import psycopg
from psycopg import sql

from o2c.adapters.journal import CHAIN_COLUMNS, ChainReport, _chain
from o2c.adapters.schema import JOURNALS, Journal

NULL_MARK, SEPARATOR = chr(0), chr(31)


def _content_columns(conn: psycopg.Connection, journal: Journal) -> list[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'app' and table_name = %s order by ordinal_position",
        [journal.name],
    ).fetchall()
    return [r[0] for r in rows if r[0] not in CHAIN_COLUMNS]


def _as_text_sql(columns: list[str]) -> sql.Composed:
    return sql.SQL(", ").join(sql.SQL("cast({} as text)").format(sql.Identifier(c))
                              for c in [*columns, "recorded_at"])


def _canonical(texts: tuple) -> str:
    return SEPARATOR.join(NULL_MARK if t is None else t for t in texts)


def _plain_rows(rows: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """DataFrame rows as Python values, missing ones (NaN, NaT, NA) as None."""
    frame = rows.reindex(columns=columns).astype(object)
    frame = frame.where(pd.notna(frame), None)
    return list(frame.itertuples(index=False, name=None))


def append(conn: psycopg.Connection, journal_name: str, rows: pd.DataFrame,
           recorded_at: datetime | None = None) -> int:
    """Append the rows whose key is not in the journal yet; return how many were added."""
    journal = JOURNALS[journal_name]
    if rows.empty:
        return 0
    columns = _content_columns(conn, journal)
    unknown = set(rows.columns) - set(columns)
    if unknown:
        raise ValueError(f"{journal.table} has no column(s) {sorted(unknown)}")
    recorded = (recorded_at or datetime.now(UTC)).replace(tzinfo=None)
    incoming = rows.drop_duplicates(subset=[journal.key], keep="first")
    table = sql.SQL("app.{}").format(sql.Identifier(journal.name))
    with conn.transaction():
        conn.execute(sql.SQL("lock table {} in exclusive mode").format(table))
        known = {r[0] for r in conn.execute(
            sql.SQL("select {} from {} where {} = any(%s)").format(
                sql.Identifier(journal.key), table, sql.Identifier(journal.key)),
            [list(incoming[journal.key].astype(str))]).fetchall()}
        new = incoming[~incoming[journal.key].astype(str).isin(known)]
        if new.empty:
            return 0
        # stage with the journal's own types, so the text we hash is the text stored
        conn.execute(sql.SQL("create temp table _staged on commit drop as "
                             "select *, 0::bigint as _ord from {} limit 0").format(table))
        staged_columns = [*columns, "recorded_at", "_ord"]
        with conn.cursor().copy(sql.SQL("copy _staged ({}) from stdin").format(
                sql.SQL(", ").join(map(sql.Identifier, staged_columns)))) as copy:
            for ord_, values in enumerate(_plain_rows(new, columns)):
                copy.write_row((*values, recorded, ord_))
        last = conn.execute(sql.SQL("select seq, row_hash from {} order by seq desc limit 1")
                            .format(table)).fetchone()
        seq, prev = last if last else (0, "")
        chain = []
        for ord_, *texts in conn.execute(sql.SQL("select _ord, {} from _staged order by _ord")
                                         .format(_as_text_sql(columns))).fetchall():
            seq += 1
            row_hash = _chain(prev, _canonical(tuple(texts)))
            chain.append((seq, prev, row_hash, ord_))
            prev = row_hash
        conn.execute("create temp table _chain (seq bigint, prev_hash text, row_hash text, "
                     "_ord bigint) on commit drop")
        with conn.cursor().copy("copy _chain from stdin") as copy:
            for link in chain:
                copy.write_row(link)
        content = sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(c))
                                     for c in [*columns, "recorded_at"])
        target = sql.SQL(", ").join(map(sql.Identifier, [*columns, "recorded_at", "seq",
                                                        "prev_hash", "row_hash"]))
        conn.execute(sql.SQL("insert into {} ({}) select {}, c.seq, c.prev_hash, c.row_hash "
                             "from _staged s join _chain c using (_ord) order by c.seq")
                     .format(table, target, content))
    return len(chain)


def verify(conn: psycopg.Connection, journal_name: str) -> ChainReport:
    journal = JOURNALS[journal_name]
    columns = _content_columns(conn, journal)
    expected_seq, prev, count = 1, "", 0
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("select seq, prev_hash, row_hash, {} from app.{} order by seq")
                       .format(_as_text_sql(columns), sql.Identifier(journal.name)))
        for seq, prev_hash, row_hash, *texts in cursor:
            count += 1
            if seq != expected_seq:
                return ChainReport(journal.table, count, seq, f"expected seq {expected_seq}")
            if prev_hash != prev:
                return ChainReport(journal.table, count, seq, "prev_hash does not match")
            if row_hash != _chain(prev, _canonical(tuple(texts))):
                return ChainReport(journal.table, count, seq, "row content changed")
            prev, expected_seq = row_hash, seq + 1
    return ChainReport(journal.table, count, None, None)
