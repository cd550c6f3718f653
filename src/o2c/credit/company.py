"""The invoice history of a generated company, through the real path: generate its ERP
extracts, load them as the ERP ingestion does, build the dbt credit features on that scratch
warehouse. `o2c credit export-history` writes the history in the plain CSV shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from o2c.credit.features import read_invoice_features, run_dbt


@dataclass
class CompanyHistory:
    features: pd.DataFrame  # int_credit_invoice_features
    history: pd.DataFrame  # int_credit_invoice_history
    warehouse: Path


def load_landing(landing: Path, db_path: Path) -> int:
    """Load every ERP file under `landing` into `db_path` (the ingestion's own loader)."""
    from o2c.adapters.landing import LocalLanding
    from o2c.adapters.warehouse import ensure_schema
    from o2c.ingest.erp import ERP_PREFIX, load_file, pending

    zone = LocalLanding(landing)
    with duckdb.connect(str(db_path)) as con:
        ensure_schema(con)
        files = pending(con, list(zone.list(ERP_PREFIX)))
        for landed in files:
            load_file(con, landed, zone.read(landed.key))
    return len(files)


def company_history(customers: int, seed: int, as_of: date, work_dir: Path) -> CompanyHistory:
    from o2c.synth.cli import generate

    work_dir.mkdir(parents=True, exist_ok=True)
    landing = work_dir / "landing"
    generate(customers=customers, seed=seed, out=landing, fmt="csv", as_of=as_of)
    db_path = work_dir / "warehouse.duckdb"
    db_path.unlink(missing_ok=True)
    load_landing(landing, db_path)
    run_dbt(db_path, work_dir, ["run", "--select", "+int_credit_invoice_features"],
            {"as_of": as_of.isoformat()})
    with duckdb.connect(str(db_path), read_only=True) as con:
        features = read_invoice_features(con)
        history = con.execute("select * from main.int_credit_invoice_history "
                              "order by issue_date, invoice_id").df()
    return CompanyHistory(features, history, db_path)
