"""One reconciliation on a warehouse connection: inputs, engine, journals, posting file, metrics.

The flow calls `reconcile` inside the warehouse writer; the caller writes the posting file to
the landing zone after the connection is released.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from o2c.cashapp import engine, metrics, sources, store
from o2c.cashapp.config import CashappConfig


@dataclass
class Reconciliation:
    as_of: str
    run_id: str
    engine: dict
    added: dict[str, int]
    reversed: int
    aliases_learned: int
    posting_rows: int
    posting_csv: bytes = field(repr=False, default=b"")
    figures: dict | None = None

    def summary(self) -> dict:
        out = asdict(self)
        out.pop("posting_csv")
        return out


def reconcile(con: duckdb.DuckDBPyConnection, as_of: date, run_id: str,
              config: CashappConfig | None = None, truth_dir: Path | None = None,
              decided_at: datetime | None = None) -> Reconciliation:
    """`decided_at` (default: now) dates the journal rows; balances count an application
    from that date (a backfill for a past `as_of` passes a time on that day)."""
    config = config or CashappConfig()
    now = (decided_at or datetime.now(UTC)).replace(tzinfo=None)
    sources.from_warehouse(con, as_of)
    run = engine.match(con, config.policy())
    figures = None
    truth_dir = truth_dir or config.truth_dir
    if truth_dir and (Path(truth_dir) / "bank_lines.csv").exists():
        metrics.load_truth(con, Path(truth_dir))
        figures = metrics.measure(con)
    added = store.journal_decisions(con, run_id, now)
    reversed_ = store.reverse_returns(con, run_id, now)
    learned = store.learn_aliases(con, run_id, now)
    csv, rows = store.posting_csv(con, run_id)
    return Reconciliation(as_of.isoformat(), run_id, asdict(run), added, reversed_, learned,
                          rows, csv, figures)
