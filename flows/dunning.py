"""Flows: draft the day's payment reminders, have them reviewed in the Prefect UI (a run that
suspends, one page per 15 drafts), and deliver the approved ones through the outbox.

draft-reminders   gate on the day's data -> plan -> draft -> app.drafts -> start a review run
review-reminders  (a deployment: it suspends) read drafts back -> pages -> decisions journaled
                  -> deliver-reminders
deliver-reminders re-check each approved draft -> outbox (never twice) -> bounces read back;
                  drafts whose facts changed are redrafted and go to a new review
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from o2c.domain.ids import stable_id
from o2c.reminders import run
from o2c.settings import Settings

REVIEW_DEPLOYMENT = "review-reminders/review-reminders"


def _run_id() -> str | None:
    found = flow_run.get_id()
    return str(found) if found else None


@task(cache_policy=NO_CACHE)
def entities_at_work(as_of: date) -> list[str] | None:
    return run.entities_at_work(Settings(), as_of)


@task(cache_policy=NO_CACHE)
def wait_for_the_days_data(as_of: date) -> None:
    run.check_ready(Settings(), as_of)


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)  # idempotent: ids from facts
def draft_and_store(as_of: date, customer_ids: list[str] | None = None) -> dict:
    report = run.draft_day(Settings(), as_of, _run_id(), customer_ids)
    create_table_artifact([{"reason": k, "customers": v} for k, v in sorted(
        report.skipped.items())], key="reminders-skipped",
        description=f"Customers not reminded on {as_of}, by reason")
    return {**report.summary(), "draft_ids": report.to_review}


@task(cache_policy=NO_CACHE)
def start_review(draft_ids: list[str]) -> str | None:
    """A review run for these drafts (one per set of drafts); returns its id."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    if not draft_ids:
        return None
    try:
        review = run_deployment(REVIEW_DEPLOYMENT, parameters={"draft_ids": draft_ids},
                                timeout=0, as_subflow=False,
                                idempotency_key=stable_id("REV", *draft_ids))
    except ObjectNotFound:
        get_run_logger().warning("no %s deployment: run `o2c deploy`, then start a review "
                                 "of the pending drafts", REVIEW_DEPLOYMENT)
        return None
    return str(review.id)


@flow(name="draft-reminders", log_prints=True)
def draft_reminders(as_of: date | None = None, review: bool = True) -> dict:
    as_of = as_of or Settings().today()
    if entities_at_work(as_of) == []:  # cron fires on weekdays; holidays are the entities'
        print(f"reminders {as_of}: a holiday for every entity, nothing drafted")
        return {"as_of": as_of.isoformat(), "drafted": 0, "skipped": "holiday"}
    wait_for_the_days_data(as_of)
    result = draft_and_store(as_of)
    print(f"reminders {as_of}: {result['drafted']} drafted, {result['unchanged']} unchanged, "
          f"{result['expired']} expired, {result['to_review']} to review")
    if review:
        result["review_run_id"] = start_review(result["draft_ids"])
    return result


@task(cache_policy=NO_CACHE)
def review_items(draft_ids: list[str]) -> list:
    return run.review_items(Settings(), draft_ids, _run_id())


@flow(name="review-reminders", log_prints=True)
def review_reminders(draft_ids: list[str]) -> dict:
    """Suspends once per page until decided; a timeout leaves the drafts pending, unsent."""
    from o2c.approval import request_decisions

    settings, run_id = Settings(), _run_id()
    items = review_items(draft_ids)
    decisions = request_decisions(
        items, "Payment reminders", settings.approver_names,
        timeout_seconds=int(settings.approval_timeout_hours * 3600),
        page_size=settings.approval_page_size,
        on_page=lambda page: run.record_and_enqueue(settings, page, run_id))
    counts = {k: sum(d.decision == k for d in decisions) for k in ("approve", "reject", "hold")}
    print(f"decisions this start: {counts}")
    return {"decisions": counts, "delivery": deliver_reminders()}


@task(cache_policy=NO_CACHE)
def deliver_approved() -> dict:
    delivered = run.deliver_reminders(Settings(), _run_id())
    report = delivered.report
    if report.withdrawn:
        create_markdown_artifact(
            "\n".join(["# Reminders sent back for approval", "",
                       "Their facts changed while they waited:", ""]
                      + [f"- {m}: {'; '.join(c)}" for m, c in report.withdrawn.items()]),
            key="reminders-returned", description="Approved reminders not sent")
    return {**report.summary(), "returned": delivered.returned,
            "returned_customers": delivered.returned_customers}


@task(cache_policy=NO_CACHE)
def read_bounces(days: int = 30) -> dict:
    since = datetime.now(UTC) - timedelta(days=days)
    found = run.read_bounces(Settings(), since, _run_id())
    return {"suppressions": found.suppressions, "bounced": len(found.bounced),
            "owners_told": len(found.notices)}


@task(cache_policy=NO_CACHE)
def latest_as_of() -> date | None:
    from o2c.adapters import warehouse
    from o2c.reminders.facts import ar_layer_as_of

    with warehouse.writer(Settings()) as con:
        return ar_layer_as_of(con)


@flow(name="deliver-reminders", log_prints=True)
def deliver_reminders(review_returned: bool = True) -> dict:
    delivered = deliver_approved()
    bounces = read_bounces()
    notices = deliver_approved() if bounces["owners_told"] else None  # tell owners now
    result = {"delivered": delivered, "bounces": bounces, "notices": notices}
    if delivered["returned_customers"]:
        as_of = latest_as_of()
        redrafted = draft_and_store(as_of, delivered["returned_customers"])
        result["redrafted"] = redrafted
        if review_returned:
            result["review_run_id"] = start_review(redrafted["draft_ids"])
    print(f"delivery: {delivered}; bounces: {bounces}")
    return result
