"""`make demo`: a company in a local folder, a local Prefect server and worker, one pipeline
run through the worker, and a summary of where to look. Safe to run again."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

from o2c.settings import Settings

DEMO_APPROVER = "AR Lead"

# A late manual extract with the mistakes people make by hand; the contracts quarantine them.
_MANUAL_FIXES = [
    ("amount", "-120.00"),        # a negative amount typed as a correction
    ("currency", "EURO"),         # not an ISO 4217 code
    ("due_date", "2020-01-01"),   # due before it was issued
]


def write_manual_extract(landing: Path) -> Path | None:
    """Copy three generated invoices into a hand-made file, one mistake each."""
    invoices = sorted((landing / "erp" / "invoices").glob("*.csv"))
    target = landing / "erp" / "invoices" / "manual_adjustments.csv"
    if not invoices or target.exists():
        return None
    with invoices[0].open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [next(reader) for _ in range(len(_MANUAL_FIXES) + 2)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for n, row in enumerate(rows):
        row = {**row, "invoice_id": row["invoice_id"] + "-ADJ"}
        if n < len(_MANUAL_FIXES):
            field, value = _MANUAL_FIXES[n]
            row[field] = value
        writer.writerow(row)
    target.write_text(out.getvalue())
    return target


def run_demo(settings: Settings, customers: int, seed: int, echo: Callable[[str], None]) -> None:
    from o2c.localserver import prefect_env, start_server, start_worker, use_local_server

    landing = Path(settings.landing_url)
    if not (landing / "erp").exists():
        from o2c.synth.cli import generate

        echo(f"generating a {customers}-customer company into {landing} ...")
        summary = generate(customers=customers, seed=seed, out=landing, fmt="csv",
                           as_of=settings.today())
        echo("\n".join(summary.lines()))
        write_manual_extract(landing)
    else:
        echo(f"company already generated in {landing} (files load once; re-runs are safe)")
    echo(f"Prefect server: {start_server(settings)}")
    use_local_server(settings)

    from o2c.deploy import deploy_all, run_pipeline_deployment

    deploy_all(settings)
    os.environ.setdefault("O2C_APPROVERS", DEMO_APPROVER)  # who may approve the demo drafts
    echo(f"worker: {start_worker(settings)}")
    echo("deployments registered; running the pipeline on the worker ...")
    flow_run = run_pipeline_deployment(as_of=settings.today())
    ui = prefect_env(settings)["PREFECT_UI_URL"]
    echo(f"pipeline run '{flow_run.name}': {flow_run.state.name}")
    if not flow_run.state.is_completed():
        raise SystemExit(f"the pipeline run failed: see {ui}/runs/flow-run/{flow_run.id}")

    from o2c.cli import _print_summary

    _print_summary(settings)
    echo(f"""
Prefect UI:   {ui}   (this run: {ui}/runs/flow-run/{flow_run.id})
Warehouse:    {settings.warehouse_path}  (readers: {settings.read_copy_path})
Audit docs:   make docs
Stop it all:  .venv/bin/o2c server stop""")
    review_reminders_link(settings, echo)


def review_reminders_link(settings: Settings, echo: Callable[[str], None]) -> None:
    """Draft today's reminders on the worker and print the review run waiting in the UI."""
    from o2c.localserver import prefect_env
    from o2c.reminders.waiting import run_drafting, waiting_review

    echo("\ndrafting today's payment reminders on the worker ...")
    drafting = run_drafting(settings.today())
    if not drafting.state.is_completed():
        ui = prefect_env(settings)["PREFECT_UI_URL"]
        raise SystemExit(f"drafting failed: see {ui}/runs/flow-run/{drafting.id}")
    review = waiting_review()
    if review is None:
        echo("no reminders to review today")
        return
    ui = prefect_env(settings)["PREFECT_UI_URL"]
    approvers = os.environ.get("O2C_APPROVERS", DEMO_APPROVER)
    echo(f"""Reminders waiting for approval: {ui}/v2/runs/flow-run/{review.id}
  open it, choose Resume in the run's menu (⋮), decide each draft and sign with an approver's
  name ({approvers})""")
