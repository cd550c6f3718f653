"""The credit features, built by the dbt models in dbt_project/models/credit (one definition).

The pipeline builds them on the warehouse (flows/score_credit); a plain invoice list is loaded
into a scratch DuckDB file and the same models are built there with var credit_history_relation
pointing at it. Python only adds what depends on the training data (population priors).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from o2c.adapters.dbt import env_vars

FEATURE_MODELS = ("int_credit_history_selected", "int_credit_history_points",
                  "int_credit_history_features", "int_credit_invoice_features")
HISTORY_RELATION = "credit_input.invoice_history"
HISTORY_DDL = """
create or replace table credit_input.invoice_history (
    customer_id VARCHAR NOT NULL, invoice_id VARCHAR NOT NULL, issue_date DATE NOT NULL,
    due_date DATE NOT NULL, amount DECIMAL(19,4) NOT NULL, settled_date DATE,
    is_disputed BOOLEAN, disputed_date DATE, is_paperless BOOLEAN, has_payment_detail BOOLEAN,
    first_payment_date DATE, partial_payment_date DATE
)"""


def run_dbt(db_path: Path, work_dir: Path, command: list[str], dbt_vars: dict) -> None:
    """dbt in this process on `db_path`, with target/ and logs/ under `work_dir`."""
    from dbt.cli.main import dbtRunner

    from o2c.settings import PROJECT_ROOT

    project = PROJECT_ROOT / "dbt_project"
    args = [*command, "--project-dir", str(project), "--profiles-dir", str(project),
            "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
            "--vars", json.dumps(dbt_vars), "--quiet"]
    with env_vars({"O2C_DUCKDB_PATH": str(db_path)}):
        result = dbtRunner().invoke(args)
    if not result.success:
        failed = []
        for node in getattr(result.result, "results", None) or []:
            if str(node.status) in ("error", "fail"):
                failed.append(f"{node.node.name}: {node.message}")
        detail = "; ".join(failed) or str(result.exception)
        raise RuntimeError(f"dbt {' '.join(command[:1])} failed: {detail} "
                           f"(logs: {work_dir / 'logs'})")


def load_history(db_path: Path, history: pd.DataFrame) -> None:
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema if not exists credit_input")
        con.execute(HISTORY_DDL)
        con.register("_history", history)
        con.execute(f"insert into {HISTORY_RELATION} by name select * from _history")
        con.unregister("_history")


def build_history_features(history: pd.DataFrame, as_of: date, work_dir: Path,
                           frozen_at: date | None = None) -> pd.DataFrame:
    """Point-in-time invoice features of a plain history, labels as of `as_of` (dbt); with
    `frozen_at`, invoices issued after it see only the history known then."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "history.duckdb"
    db_path.unlink(missing_ok=True)
    load_history(db_path, history)
    run_dbt(db_path, work_dir,
            ["build", "--select", *FEATURE_MODELS, "--exclude-resource-type", "unit_test"],
            {"as_of": as_of.isoformat(), "credit_history_relation": HISTORY_RELATION,
             **({"credit_history_frozen_at": frozen_at.isoformat()} if frozen_at else {})})
    with duckdb.connect(str(db_path), read_only=True) as con:
        return read_invoice_features(con)


def read_invoice_features(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("select * from main.int_credit_invoice_features "
                       "order by issue_date, invoice_id").df()
