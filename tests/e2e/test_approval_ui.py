"""The reminder review in the real Prefect UI: `o2c demo` (a Prefect server and worker of its
own) runs the pipeline and the drafting to a suspended review run; headless Chromium opens
that run, approves two drafts, rejects one, holds the rest, and resumes; exactly the two
approved messages reach the SendGrid stand-in."""

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


def _open_review_form(page, url: str):
    page.goto(url)
    page.locator('button[aria-haspopup="menu"]').last.click()  # the run's menu (⋮)
    page.get_by_role("menuitem", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("heading", name=re.compile("Payment reminders")).wait_for()
    return dialog


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


def test_two_approved_one_rejected_in_the_ui_and_exactly_two_sent(tmp_path):
    from playwright.sync_api import sync_playwright

    home, port = tmp_path / "o2c", _free_port()
    shot = tmp_path / "approval-page.png"
    with sendgrid_server.serve() as sendgrid:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "O2C_"))}
        env.update(O2C_HOME=str(home), O2C_PREFECT_PORT=str(port), O2C_APPROVERS=APPROVER,
                   O2C_SENDGRID_API_KEY=sendgrid_server.API_KEY,
                   O2C_SENDGRID_HOST=sendgrid.url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
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
                _choose(page, dialog, 0, "approve")
                _choose(page, dialog, 1, "reject")
                _choose(page, dialog, 2, "approve")
                dialog.get_by_label(re.compile("^Your name")).fill(APPROVER)
                dialog.get_by_role("button", name="Resume").click()
                state = _next_stop(api, run_id)
                while state == "PAUSED":  # a further page: hold everything on it
                    time.sleep(3)  # PAUSED shows a moment before the page's form is stored
                    dialog = _open_review_form(page, url)
                    dialog.get_by_label(re.compile("^Your name")).fill(APPROVER)
                    dialog.get_by_role("button", name="Resume").click()
                    state = _next_stop(api, run_id)
                browser.close()
            assert state == "COMPLETED", (home / "run" / "worker.log").read_text()[-4000:]
        finally:
            stopped = _o2c(env, "server", "stop", timeout=120)
        assert "server" in stopped.stdout, stopped.stdout + stopped.stderr
        assert len(sendgrid.accepted) == 2, sendgrid.recipients()
        assert all(body["custom_args"]["o2c_message_id"].startswith("MSG_")
                   for body in sendgrid.accepted)
        assert shot.exists()
