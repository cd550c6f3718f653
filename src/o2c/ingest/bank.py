"""Load bank statement files from the landing zone (`bank/…`) into `raw.bank_*`, whole or not.

A bank file is loaded in one transaction. `o2c.formats.parse` yields it statement by statement,
each after its own control totals were checked; every statement's rows are staged (inserted
inside the open transaction, a bounded batch at a time) and the transaction commits only when
the iterator is exhausted without error. Any `BankFileError` — a malformed line, a control
total that does not reconcile, even a file trailer after many good statements — rolls the
whole file back and records a `rejected` ledger row whose error names the file, the line and
the expected vs found figure. As for ERP files, the sha256 of the bytes identifies a file: the
same bytes delivered again (under any name) load nothing.

Each record gets its payment identity (`bank_txn_id`, `o2c.domain.bank_identity`) and its
statement's observation kind (booked | notification | intraday); dbt picks one record per
payment (`int_bank_transactions_deduplicated`).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from o2c.adapters.landing import LandedFile
from o2c.domain.bank_identity import bank_txn_ids, observation_kind
from o2c.formats import BankFileError, Statement, parse, sniff_format

BANK_PREFIX = "bank/"
DATASET = "bank"
BATCH_ROWS = 5_000  # rows held in Python before they are inserted (memory stays bounded)

MONEY = pa.decimal128(19, 4)
TRANSACTION_COLUMNS: dict[str, pa.DataType] = {
    "bank_txn_id": pa.string(), "identity_basis": pa.string(),
    "observation_kind": pa.string(), "account": pa.string(), "currency": pa.string(),
    "amount": MONEY, "direction": pa.string(), "value_date": pa.date32(),
    "booking_date": pa.date32(), "bank_ref": pa.string(), "end_to_end_id": pa.string(),
    "counterparty_name": pa.string(), "counterparty_account": pa.string(),
    "structured_ref": pa.string(), "remittance": pa.string(), "bank_code": pa.string(),
    "entry_ref": pa.string(), "reversal": pa.bool_(), "return_reason": pa.string(),
    "reverses_ref": pa.string(), "format": pa.string(), "statement_id": pa.string(),
    "statement_seq": pa.int32(), "record_seq": pa.int32(), "raw": pa.string(),
    "source_file_id": pa.string(), "source_line": pa.int32(),
}  # fmt: skip


@dataclass
class BankFileOutcome:
    key: str
    status: str  # loaded | rejected | already_loaded
    source_file_id: str = ""
    file_format: str = ""
    version: int = 0
    statements: int = 0
    transactions: int = 0
    error: str | None = None
    per_account: dict[str, int] = field(default_factory=dict)


def is_bank_file(key: str) -> bool:
    return key.startswith(BANK_PREFIX) and not key.rsplit("/", 1)[-1].startswith(".")


def pending(con: duckdb.DuckDBPyConnection, files: list[LandedFile]) -> list[LandedFile]:
    """Bank files not yet seen in this exact landed version."""
    seen = set(con.execute("select path, landing_version from raw.file_deliveries").fetchall())
    return [f for f in files if is_bank_file(f.key) and (f.key, f.version) not in seen]


class _DuckSink:
    """Where a file's rows go on DuckDB (`bank_pg` has the PostgreSQL one)."""

    too_big = (pa.ArrowInvalid, duckdb.ConversionException, duckdb.OutOfRangeException)

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def statement(self, values: list[object]) -> None:
        self.con.execute("insert into raw.bank_statements values "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)

    def transactions(self, batch: pa.Table) -> None:
        self.con.register("_bank_batch", batch)
        try:
            self.con.execute("insert into raw.bank_transactions by name "
                             "select * from _bank_batch")
        finally:
            self.con.unregister("_bank_batch")


class _Stager:
    """Hands a file's rows to the sink inside the open transaction, BATCH_ROWS at a time."""

    def __init__(self, sink, source_file_id: str) -> None:
        self.sink = sink
        self.source_file_id = source_file_id
        self.rows: dict[str, list[object]] = {name: [] for name in TRANSACTION_COLUMNS}
        self.record_seq = 0
        self.per_account: Counter[str] = Counter()

    def statement(self, seq: int, stmt: Statement) -> None:
        s = stmt.summary
        kind = observation_kind(s.format, s.closing is not None)
        booked = [t.booking_date for t in stmt.transactions if t.booking_date]
        self.sink.statement(
            [self.source_file_id, seq, s.statement_id, s.account, s.currency, s.format, kind,
             s.statement_date, min(booked, default=None), max(booked, default=None),
             s.opening, s.closing, s.n_credits, s.sum_credits, s.n_debits, s.sum_debits,
             s.n_records, s.source_line])
        ids = bank_txn_ids(stmt.transactions)
        for txn, (txn_id, basis) in zip(stmt.transactions, ids, strict=True):
            self.record_seq += 1
            values = {
                **{name: getattr(txn, name) for name in (
                    "account", "currency", "amount", "direction", "value_date", "booking_date",
                    "bank_ref", "end_to_end_id", "counterparty_name", "counterparty_account",
                    "structured_ref", "remittance", "bank_code", "entry_ref", "reversal",
                    "return_reason", "reverses_ref", "format", "statement_id", "raw",
                    "source_line")},
                "bank_txn_id": txn_id, "identity_basis": basis, "observation_kind": kind,
                "statement_seq": seq, "record_seq": self.record_seq,
                "source_file_id": self.source_file_id,
            }  # fmt: skip
            for name, column in self.rows.items():
                column.append(values[name])
            self.per_account[txn.account] += 1
        if len(self.rows["bank_txn_id"]) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows["bank_txn_id"]:
            return
        self.sink.transactions(pa.table({name: pa.array(values, type=TRANSACTION_COLUMNS[name])
                                         for name, values in self.rows.items()}))  # fmt: skip
        for column in self.rows.values():
            column.clear()


def _next_version(con: duckdb.DuckDBPyConnection, key: str) -> tuple[int, int]:
    row = con.execute("select count(*) filter (where path = ?) + 1, coalesce(max(load_seq), 0) + 1 "
                      "from raw.file_ledger", [key]).fetchone()  # fmt: skip
    assert row is not None
    return int(row[0]), int(row[1])


def ledger_row(landed: LandedFile, data: bytes, checksum: str, outcome: BankFileOutcome,
               load_seq: int, now: datetime) -> list[object]:
    loaded = outcome.transactions if outcome.status == "loaded" else 0
    return [outcome.source_file_id, landed.key, DATASET, outcome.file_format or "unknown",
            checksum, landed.version, len(data), outcome.version, load_seq, outcome.status,
            outcome.transactions, loaded, 0, outcome.error, now]


def delivery_row(landed: LandedFile, checksum: str, outcome: BankFileOutcome,
                 now: datetime) -> list[object]:
    return [landed.key, landed.version, checksum, outcome.source_file_id, outcome.status, now]


def _ledger(con: duckdb.DuckDBPyConnection, landed: LandedFile, data: bytes, checksum: str,
            outcome: BankFileOutcome, load_seq: int, now: datetime) -> None:  # fmt: skip
    con.execute("insert into raw.file_ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ledger_row(landed, data, checksum, outcome, load_seq, now))
    con.execute("insert into raw.file_deliveries values (?, ?, ?, ?, ?, ?)",
                delivery_row(landed, checksum, outcome, now))


def reject(outcome: BankFileOutcome, exc: BankFileError) -> None:
    """Nothing of the file stays: the outcome says so, naming the file and the failed check."""
    outcome.status, outcome.per_account = "rejected", {}
    outcome.statements = outcome.transactions = 0
    outcome.error = f"{outcome.key}: rejected, nothing loaded. {exc}"


def stage_all(sink, data: bytes, outcome: BankFileOutcome) -> None:
    """Parse and insert every statement; raises BankFileError at the first failed check."""
    outcome.file_format = sniff_format(data)
    stager = _Stager(sink, outcome.source_file_id)
    line = None
    try:
        for seq, stmt in enumerate(parse(io.BytesIO(data), verify=True), start=1):
            line = stmt.summary.source_line
            stager.statement(seq, stmt)
            outcome.statements = seq
            outcome.transactions += len(stmt.transactions)
        stager.flush()
    except sink.too_big as exc:
        # e.g. an amount beyond DECIMAL(19,4): the file cannot be stored as it is
        raise BankFileError(f"a figure does not fit the warehouse ({exc})", line) from exc
    outcome.per_account = dict(sorted(stager.per_account.items()))


def load_bank_file(con: duckdb.DuckDBPyConnection, landed: LandedFile, data: bytes,
                   now: datetime | None = None) -> BankFileOutcome:  # fmt: skip
    """Load one landed bank file whole, or reject it whole (see the module docstring)."""
    if not isinstance(con, duckdb.DuckDBPyConnection):  # a PostgreSQL warehouse
        from o2c.ingest import bank_pg

        return bank_pg.load_bank_file(con, landed, data, now)
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    checksum = hashlib.sha256(data).hexdigest()
    outcome = BankFileOutcome(landed.key, "loaded", source_file_id=checksum[:16])
    con.execute("begin transaction")
    try:
        known = con.execute("select source_file_id from raw.file_ledger "
                            "where checksum_sha256 = ?", [checksum]).fetchone()  # fmt: skip
        if known:
            outcome.status, outcome.source_file_id = "already_loaded", known[0]
            con.execute("insert into raw.file_deliveries values (?, ?, ?, ?, ?, ?)",
                        delivery_row(landed, checksum, outcome, now))
            con.execute("commit")
            return outcome
        outcome.version, load_seq = _next_version(con, landed.key)
        try:
            stage_all(_DuckSink(con), data, outcome)
        except BankFileError as exc:
            con.execute("rollback")  # nothing of the file stays
            reject(outcome, exc)
            con.execute("begin transaction")
        _ledger(con, landed, data, checksum, outcome, load_seq, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return outcome
