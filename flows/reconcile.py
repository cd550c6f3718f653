"""Flows: cash application and its review.

reconcile    match bank receipts to open items -> journal -> posting file -> report; proposals
             left for a person start a review run
review-cash  (a deployment: it suspends) pending proposals -> pages in the Prefect UI ->
             confirmations / rejections journaled with the approver (and taught to the aliases)
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE, RUN_ID
from prefect.runtime import flow_run

from o2c.adapters import warehouse
from o2c.adapters.landing import open_landing
from o2c.cashapp import metrics, review
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


REVIEW_DEPLOYMENT = "review-cash/review-cash"


# the same items every time the suspended run starts again, so each page keeps its key
# (an answered page returns its stored answer; held proposals are not asked about twice)
@task(cache_policy=RUN_ID, persist_result=True)
def pending_reviews() -> list:
    with warehouse.writer(Settings()) as con:
        return review.review_items(review.pending(con))


@task(cache_policy=NO_CACHE)
def start_review() -> str | None:
    """A review run in the Prefect UI for the proposals pending now, one per reconciliation (a
    run already waiting keeps its own list; what one run decides, the other no longer asks:
    `review.record_page` journals only what is still pending)."""
    from prefect.deployments import run_deployment

    try:
        # its own run, not a subflow: Prefect cannot suspend a subflow
        run = run_deployment(REVIEW_DEPLOYMENT, timeout=0, as_subflow=False,
                             idempotency_key=f"review-cash-{flow_run.get_id()}")
    except Exception as exc:  # noqa: BLE001 - no deployment: proposals wait for the CLI
        get_run_logger().warning("no %s deployment (%s): review with `o2c cashapp proposals`",
                                 REVIEW_DEPLOYMENT, exc)
        return None
    return str(run.id)


@flow(name="review-cash", log_prints=True)
def review_cash() -> dict:
    """Suspends once per page of proposals until decided; held ones stay pending."""
    from o2c.approval import request_decisions

    settings = Settings()

    def record(decisions: list) -> None:
        with warehouse.writer(settings) as con:
            review.record_page(con, decisions)

    items = pending_reviews()
    decisions = request_decisions(
        items, "Cash application proposals", settings.approver_names,
        timeout_seconds=int(settings.approval_timeout_hours * 3600),
        page_size=settings.approval_page_size, on_page=record)
    counts = {k: sum(d.decision == k for d in decisions) for k in review.DECISIONS}
    print(f"cash review: {counts}")
    return counts


@flow(name="reconcile", log_prints=True)
def reconcile(as_of: date | None = None, truth_dir: str | None = None,
              review_proposals: bool = False) -> dict:
    as_of = as_of or Settings().today()  # runs started by an event carry no date
    summary = apply_cash(as_of, truth_dir)
    e = summary["engine"]
    print(f"cash application: {e['receipts']} receipts, {e['auto']} auto, {e['proposed']} "
          f"proposed, {e['exceptions']} exceptions; journal {summary['added']}")
    create_table_artifact([{"measure": k, "value": v} for k, v in e.items() if k != "phases"],
                          key="cash-match-summary", description=f"Cash application {as_of}")
    if summary["figures"]:
        create_markdown_artifact(metrics.markdown(summary["figures"]), key="cash-match-quality",
                                 description="Engine vs baseline against ground truth")
    if review_proposals and e["proposed"]:
        summary["review_run_id"] = start_review()
    return summary
