"""Ask a person in the Prefect UI: suspend the flow run once per page and return the decisions.

A suspended run holds no worker process. When someone fills the page's form and resumes, the
worker starts the flow again from the top; each `suspend_flow_run(key=page.key)` already
answered returns its stored input at once, so a run with several pages suspends once per page.
Callers must therefore rebuild the same items on every start (read them from a journal, never
draft them again) and leave out items they journaled as decided in this run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from o2c.approval.pages import (
    Page,
    ReviewItem,
    decision_field,
    edit_field,
    form_model,
    paginate,
)

MAX_ATTEMPTS = 3  # a page whose approver is not on the list is asked again, this often


class ApprovalError(RuntimeError):
    pass


@dataclass(frozen=True)
class Decision:
    item_id: str
    decision: str
    edited_text: str | None  # None: not edited (empty or the same as shown)
    approver: str
    actor: str | None  # who resumed the run, as Prefect knows it (None on servers without it)
    comment: str | None
    decided_at: datetime
    page_key: str


def approver_problem(name: str, approvers: Sequence[str]) -> str | None:
    if not approvers:
        return "no approvers are configured (O2C_APPROVERS): nobody may approve"
    if name.strip().casefold() not in {a.casefold() for a in approvers}:
        return f"{name.strip()!r} is not a configured approver ({', '.join(approvers)})"
    return None


def canonical_approver(name: str, approvers: Sequence[str]) -> str:
    return next(a for a in approvers if a.casefold() == name.strip().casefold())


def decisions_from_input(page: Page, answer: Any, approvers: Sequence[str], actor: str | None,
                         decided_at: datetime) -> list[Decision]:
    """The decisions in a filled-in page form (the approver already checked)."""
    approver = canonical_approver(answer.approver, approvers)
    comment = (answer.comment or "").strip() or None
    out = []
    for n, item in enumerate(page.items, 1):
        edited = None
        if item.editable is not None:
            text = (getattr(answer, edit_field(n), "") or "").strip()
            if text and text != item.editable.strip():
                edited = text
        out.append(Decision(item.id, getattr(answer, decision_field(n)), edited, approver,
                            actor, comment, decided_at, page.key))
    return out


def request_decisions(items: Sequence[ReviewItem], subject: str, approvers: Sequence[str],
                      timeout_seconds: int | None, page_size: int = 15,
                      on_page: Any = None) -> list[Decision]:
    """Suspend once per page until each is answered; return every item's decision.

    `on_page(decisions)` is called after each answered page (e.g. to journal it), so the
    caller can leave those items out when the run starts again for the next page.
    A page that times out fails the run: nothing decided on it, nothing acted on.
    """
    from prefect.flow_runs import suspend_flow_run

    decided: list[Decision] = []
    for page in paginate(items, page_size):
        notice = None
        for attempt in range(MAX_ATTEMPTS):
            form = form_model(page, subject, approvers, notice)
            key = page.key if attempt == 0 else f"{page.key}-retry{attempt}"
            answer = suspend_flow_run(wait_for_input=form, timeout=timeout_seconds, key=key)
            problem = approver_problem(answer.approver, approvers)
            if problem is None:
                break
            notice = f"Not accepted: {problem}. Enter your own name to decide this page."
        else:
            raise ApprovalError(f"page {page.number}: {notice}")
        decisions = decisions_from_input(page, answer, approvers, resumed_by(),
                                         datetime.now(UTC))
        if on_page is not None:
            on_page(decisions)
        decided += decisions
    return decided


def resumed_by() -> str | None:
    """The actor of the latest resume of this run, where the server records one (Prefect
    Cloud attaches the user to the event); None on a server that does not."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    if not run_id:
        return None
    try:
        with get_client(sync_client=True) as client:
            page = client.read_events(filter=EventFilter(
                event=EventNameFilter(prefix=["prefect.flow-run."]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{run_id}"])))
    except Exception:  # noqa: BLE001 - the actor is a courtesy; the approver name is required
        return None
    for event in sorted(page.events, key=lambda e: e.occurred, reverse=True):
        if "resum" not in event.event.lower():
            continue
        for related in event.related:
            if related.get("prefect.resource.role") == "actor":
                return related.get("prefect.resource.name") or related.id
    return None
