"""The alerts of infra/automations.yaml fire on a real local Prefect server: a failed run tagged
`o2c`, an ERP load that quarantines a spike of rows, a review run left waiting. Each arrives,
with its rendered subject and body, at the team's webhook (a notification block pointed at an
HTTP server on 127.0.0.1), and only what should alert does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from prefect_server import running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BLOCK = "custom-webhook/o2c-pager"


class Channel:
    """The team channel: every message posted to it, as JSON."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        channel = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                size = int(self.headers.get("Content-Length") or 0)
                channel.messages.append(json.loads(self.rfile.read(size)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"

    def wait_for(self, words: str, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages:
                if words in m["subject"]:
                    return m
            time.sleep(0.5)
        raise AssertionError(f"no alert with {words!r} in {timeout} s; got {self.messages}")


@pytest.fixture(scope="module")
def prefect(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("prefect")) as server:
        yield server


@pytest.fixture(scope="module")
def channel(prefect):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    ch = Channel()
    with prefect.client_settings():
        CustomWebhookNotificationBlock(
            name="o2c alerts", url=ch.url,
            json_data={"subject": "{{subject}}", "body": "{{body}}"},
        ).save(BLOCK.split("/")[1], overwrite=True, _sync=True)
    yield ch
    ch.server.shutdown()


def env(prefect, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("O2C_", "PREFECT_"))}
    out.update(prefect.env(), O2C_HOME=str(prefect.home), **extra)
    return out


def o2c(prefect, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2c.cli", *args], env=env(prefect),
                          text=True, capture_output=True, timeout=300, check=False)


def python(prefect, code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], env=env(prefect), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


FAILING_FLOW = """
from prefect import flow, tags

@flow(name="{name}")
def broken():
    raise RuntimeError("the ERP extract has no header row")

with tags({tags}):
    try:
        broken()
    except RuntimeError:
        pass
"""

QUARANTINE = """
import sys
sys.path.insert(0, {root!r})
from flows.ingest_erp import announce_quarantine
print(announce_quarantine.fn([
    {{"key": "erp/invoices/2026-03-02.csv", "rows_quarantined": {bad}, "rows_loaded": {good}}}]))
"""

WAITING_REVIEW = """
from prefect import flow, tags
from prefect.flow_runs import pause_flow_run

@flow(name="review-cash")
def review():
    pause_flow_run(timeout=600)

with tags("approval", "o2c"):
    review()
"""


def test_alerts_reach_the_team_channel(prefect, channel, tmp_path):
    definitions = yaml.safe_load((ROOT / "infra" / "automations.yaml").read_text())
    for a in definitions["automations"]:
        if a["name"] == "o2c approval waiting":
            a["trigger"]["within"] = 10  # 8 hours in the shipped file; Prefect's least
    short = tmp_path / "automations.yaml"
    short.write_text(yaml.safe_dump(definitions))
    applied = o2c(prefect, "automations", "apply", "--definitions", str(short),
                  "--block", BLOCK)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.count("created") == 3

    # a run outside o2c fails first: it must not alert
    python(prefect, FAILING_FLOW.format(name="someone-elses-flow", tags='"adhoc"')).wait(120)
    python(prefect, FAILING_FLOW.format(name="ingest-erp", tags='"o2c"')).wait(120)
    failed = channel.wait_for("ingest-erp run")
    assert failed["subject"].endswith("is Failed")
    assert "the ERP extract has no header row" in failed["body"]
    assert "/runs/flow-run/" in failed["body"]  # a link to the run

    # a load with a few bad rows is not a spike; one with many is
    small = python(prefect, QUARANTINE.format(root=str(ROOT), bad=3, good=5000))
    big = python(prefect, QUARANTINE.format(root=str(ROOT), bad=400, good=600))
    assert small.communicate(timeout=120)[0].split() == ["False"]
    assert big.communicate(timeout=120)[0].split() == ["True"]
    spike = channel.wait_for("ERP rows quarantined")
    assert spike["subject"] == "o2c: 400 ERP rows quarantined"
    assert "erp/invoices/2026-03-02.csv" in spike["body"] and "loaded\n600" in \
        spike["body"].replace(" ", "\n")

    review = python(prefect, WAITING_REVIEW)
    try:
        waiting = channel.wait_for("waiting for approval")
    finally:
        review.kill()
        review.wait(30)
    assert waiting["subject"].startswith("o2c: review-cash waiting for approval")
    assert "choose Resume" in waiting["body"]

    subjects = [m["subject"] for m in channel.messages]
    assert not any("someone-elses-flow" in s for s in subjects)
    assert sum("quarantined" in s for s in subjects) == 1
