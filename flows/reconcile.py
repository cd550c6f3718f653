"""Flow: cash application — match bank receipts to open items, journal, post back, report."""

from __future__ import annotations

from datetime import date

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from o2c.adapters import warehouse
from o2c.adapters.landing import open_landing
from o2c.cashapp import metrics
from o2c.cashapp.config import CashappConfig
from o2c.cashapp.service import reconcile as reconcile_on
from o2c.settings import Settings


@task(retries=2, retry_delay_seconds=5)  # safe: journal ids are deterministic, re-runs add nothing
def apply_cash(as_of: date, truth_dir: str | None = None) -> dict:
    settings = Settings()
    config = CashappConfig.from_settings(settings)
    run_id = str(flow_run.get_id() or f"local-{as_of}")
    with warehouse.writer(settings) as con:
        result = reconcile_on(con, as_of, run_id, config, truth_dir)
    key = f"{config.posting_prefix}/cash_applications_{as_of}_{run_id[:8]}.csv"
    if result.posting_rows:
        open_landing(settings).write(key, result.posting_csv)
    return {**result.summary(), "posting_file": key if result.posting_rows else None}


@flow(name="reconcile", log_prints=True)
def reconcile(as_of: date, truth_dir: str | None = None) -> dict:
    summary = apply_cash(as_of, truth_dir)
    e = summary["engine"]
    print(f"cash application: {e['receipts']} receipts, {e['auto']} auto, {e['proposed']} "
          f"proposed, {e['exceptions']} exceptions; journal {summary['added']}")
    create_table_artifact([{"measure": k, "value": v} for k, v in e.items() if k != "phases"],
                          key="cash-match-summary", description=f"Cash application {as_of}")
    if summary["figures"]:
        create_markdown_artifact(metrics.markdown(summary["figures"]), key="cash-match-quality",
                                 description="Engine vs baseline against ground truth")
    return summary
