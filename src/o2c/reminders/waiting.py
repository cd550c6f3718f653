"""From outside a flow: start the drafting deployment and find the review run waiting in the
Prefect UI (suspended, its form stored: a suspended run shows PAUSED a moment before its input
schema is saved, and the UI offers no form until then)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

DRAFT_DEPLOYMENT = "draft-reminders/draft-reminders"
REVIEW_DEPLOYMENT = "review-reminders/review-reminders"


def run_drafting(as_of: date, timeout: float = 900) -> Any:
    from prefect.deployments import run_deployment

    return run_deployment(DRAFT_DEPLOYMENT, parameters={"as_of": as_of.isoformat()},
                          timeout=timeout, as_subflow=False)


def form_ready(client: Any, flow_run: Any) -> bool:
    from prefect.input.run_input import keyset_from_paused_state

    if flow_run.state is None or not flow_run.state.is_paused():
        return False
    key = keyset_from_paused_state(flow_run.state)["schema"]
    try:
        client.read_flow_run_input(flow_run_id=flow_run.id, key=key)
    except Exception:  # noqa: BLE001 - 404 until the schema is stored
        return False
    return True


def waiting_review(timeout: float = 180, poll: float = 1.0) -> Any | None:
    """The newest review run waiting for a decision (form stored) once no review run is still
    starting; None when none waits, or at timeout."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(
                    name=DeploymentFilterName(any_=["review-reminders"])),
                sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=20)
            starting = [r for r in runs if r.state and (
                r.state.is_scheduled() or r.state.is_pending() or r.state.is_running()
                or (r.state.is_paused() and not form_ready(client, r)))]
            if not starting:
                return next((r for r in runs if form_ready(client, r)), None)
            time.sleep(poll)
    return None
