"""The parent flow: ingest, transform, apply cash, publish, report — for one explicit `as_of`."""

from __future__ import annotations

from datetime import date

from prefect import flow, task
from prefect.artifacts import create_image_artifact, create_markdown_artifact

from flows.ingest_bank import ingest_bank
from flows.ingest_erp import ingest_erp
from flows.reconcile import reconcile
from flows.transform import transform
from o2c.adapters import warehouse
from o2c.reporting import aging_markdown, aging_svg_data_uri, read_aging
from o2c.settings import Settings


@task
def publish_for_readers() -> str:
    return str(warehouse.publish_read_copy(Settings()))


@task
def report_aging(as_of: date) -> list[dict]:
    with warehouse.reader(Settings()) as con:
        rows = read_aging(con)
    create_markdown_artifact(aging_markdown(rows, as_of), key="ar-aging",
                             description=f"AR aging as of {as_of}")
    create_image_artifact(aging_svg_data_uri(rows, as_of), key="ar-aging-chart",
                          description=f"AR aging chart as of {as_of}")
    return rows


@flow(name="pipeline", log_prints=True)
def pipeline(as_of: date | None = None) -> dict:
    as_of = as_of or Settings().today()
    outcomes = ingest_erp()
    bank_files = ingest_bank()
    transform(as_of)
    cash = reconcile(as_of, review_proposals=True)
    # balances read the new applications: only the journal's downstream models rebuild
    transform(as_of, select=["stg_app__cash_applications+"])
    publish_for_readers()
    aging = report_aging(as_of)
    return {"as_of": as_of.isoformat(), "files": outcomes, "bank_files": bank_files,
            "cash": {k: cash[k] for k in ("engine", "added", "reversed", "posting_file")},
            "aging": aging}
