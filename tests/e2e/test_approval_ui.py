"""The reviews in the real Prefect UI: `o2c demo` (a Prefect server and worker of its own) runs
the pipeline and the drafting to two suspended review runs. Headless Chromium opens the
reminder review, approves two drafts, rejects one, holds the rest, and resumes: exactly the two
approved messages reach the SendGrid stand-in. It opens the cash review, confirms the first
proposal and rejects the second: the journal holds both decisions under the approver's name,
and what was held stays pending."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import sendgrid_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APPROVER = "Ada Lovelace"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# Test pace, not behaviour: the worker looks for runs every 2 s (not 10), and the server records
# task runs in batches (one SQLite write per task-run event locks out the `warehouse` slot's
# writes, and each collision costs a 2 s retry, once per file the pipeline loads).
QUICK_STACK = {"PREFECT_WORKER_QUERY_SECONDS": "2",
               "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _o2c(env: dict, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2c.cli", *args], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def _state(api: str, run_id: str) -> str:
    with urllib.request.urlopen(f"{api}/flow_runs/{run_id}", timeout=10) as response:
        return json.load(response)["state"]["type"]


def _wait_for(api: str, run_id: str, states: set[str], timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _state(api, run_id)
        if state in states:
            return state
        time.sleep(1)
    raise AssertionError(f"flow run {run_id} still {state} after {timeout:.0f}s")


def _next_stop(api: str, run_id: str) -> str:
    """After a resume: the run leaves PAUSED, then completes, fails or waits again."""
    _wait_for(api, run_id, {"SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED",
                            "CRASHED"}, timeout=60)
    return _wait_for(api, run_id, {"COMPLETED", "FAILED", "CRASHED", "PAUSED"})


def _open_review_form(page, url: str, heading: str = "Payment reminders"):
    page.goto(url)
    page.locator('button[aria-haspopup="menu"]').last.click()  # the run's menu (⋮)
    page.get_by_role("menuitem", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("heading", name=re.compile(heading)).wait_for()
    return dialog


def _paused_run(api: str, flow_name: str) -> str:
    query = json.dumps({"flows": {"name": {"any_": [flow_name]}},
                        "flow_runs": {"state": {"type": {"any_": ["PAUSED"]}}}}).encode()
    request = urllib.request.Request(f"{api}/flow_runs/filter", data=query,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        runs = json.load(response)
    assert len(runs) == 1, runs
    return runs[0]["id"]


def _decide_pages(page, api: str, url: str, run_id: str, heading: str, first: list[str],
                  shot=None) -> str:
    """Decide the first items of the first page as given, hold everything else, resume."""
    dialog = _open_review_form(page, url, heading)
    if shot:
        page.screenshot(path=str(shot))
    for index, decision in enumerate(first):
        _choose(page, dialog, index, decision)
    dialog.get_by_label(re.compile("^Your name")).fill(APPROVER)
    dialog.get_by_role("button", name="Resume").click()
    state = _next_stop(api, run_id)
    while state == "PAUSED":  # a further page: hold everything on it
        time.sleep(3)  # PAUSED shows a moment before the page's form is stored
        dialog = _open_review_form(page, url, heading)
        dialog.get_by_label(re.compile("^Your name")).fill(APPROVER)
        dialog.get_by_role("button", name="Resume").click()
        state = _next_stop(api, run_id)
    return state


def _choose(page, dialog, index: int, decision: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):  # a busy UI re-renders the open list: open it again
        dialog.locator('button[aria-haspopup="listbox"]').nth(index).click()
        try:
            page.get_by_role("option", name=decision, exact=True).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")


def _pending_proposals(env: dict) -> int:
    listed = _o2c(env, "cashapp", "proposals", "--limit", "1000", timeout=120)
    assert listed.returncode == 0, listed.stderr
    found = re.search(r"(\d+) pending", listed.stdout)
    return int(found.group(1)) if found else 0


def _decisions(home) -> list[tuple[str, str]]:
    """Reviewed receipts in the journal: (status, decided_by), one per receipt and decision."""
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select status, decided_by from app.cash_applications "
                           "where status in ('confirmed', 'rejected') "
                           "group by status, decided_by, bank_txn_id").fetchall()


def test_two_approved_one_rejected_in_the_ui_and_exactly_two_sent(tmp_path):
    from playwright.sync_api import sync_playwright

    home, port = tmp_path / "o2c", _free_port()
    shot = tmp_path / "approval-page.png"
    with sendgrid_server.serve() as sendgrid:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "O2C_"))}
        env.update(O2C_HOME=str(home), O2C_PREFECT_PORT=str(port), O2C_APPROVERS=APPROVER,
                   O2C_SENDGRID_API_KEY=sendgrid_server.API_KEY,
                   O2C_SENDGRID_HOST=sendgrid.url, PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   **QUICK_STACK)
        api = f"http://127.0.0.1:{port}/api"
        try:
            demo = _o2c(env, "demo", "--customers", "20")
            assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
            found = re.search(r"Reminders waiting for approval: (\S+/flow-run/([0-9a-f-]+))",
                              demo.stdout)
            assert found, demo.stdout[-2000:]
            url, run_id = found.groups()
            assert _state(api, run_id) == "PAUSED"

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                dialog = _open_review_form(page, url)
                assert dialog.get_by_text("Net due:").count() >= 3  # every draft in full
                page.screenshot(path=str(shot))
                state = _decide_pages(page, api, url, run_id, "Payment reminders",
                                      ["approve", "reject", "approve"])
                assert state == "COMPLETED", (home / "run" / "worker.log").read_text()[-4000:]

                cash_id = _paused_run(api, "review-cash")
                cash_url = url.rsplit("/", 1)[0] + "/" + cash_id
                pending_before = _pending_proposals(env)
                cash_state = _decide_pages(page, api, cash_url, cash_id,
                                           "Cash application proposals", ["confirm", "reject"],
                                           shot=tmp_path / "cash-review-page.png")
                browser.close()
            assert cash_state == "COMPLETED", (home / "run" / "worker.log").read_text()[-4000:]
            decided = _decisions(home)
            assert sorted(status for status, _ in decided) == ["confirmed", "rejected"]
            assert {by for _, by in decided} == {APPROVER}
            assert 0 <= _pending_proposals(env) < pending_before
        finally:
            stopped = _o2c(env, "server", "stop", timeout=120)
        assert "server" in stopped.stdout, stopped.stdout + stopped.stderr
        assert len(sendgrid.accepted) == 2, sendgrid.recipients()
        assert all(body["custom_args"]["o2c_message_id"].startswith("MSG_")
                   for body in sendgrid.accepted)
        assert shot.exists()
