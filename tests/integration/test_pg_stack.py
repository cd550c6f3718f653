"""The production stack on one machine (`python -m o2c.pgstack`): PostgreSQL from Debian's
package run as an unprivileged user, the Prefect server on it with API auth, a process worker
running the pipeline deployment, and `down` leaving no process or folder behind."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from home_processes import processes_with_home

from o2c import pgcluster
from o2c.localserver import SERVICES, recorded
from o2c.pgstack import PREFECT_DATABASE, read_state
from o2c.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _stack(env: dict, command: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2c.pgstack", command], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def _api_status(api: str, auth: str | None) -> int:
    request = urllib.request.Request(f"{api}/flow_runs/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    if auth is not None:
        request.add_header("Authorization",
                           "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_pipeline_runs_on_prefect_backed_by_postgresql_with_auth_and_down_leaves_nothing(
        tmp_path):
    pgcluster.server_binary("initdb")  # fails with what to install when PostgreSQL is missing
    home = tmp_path / "o2c"
    port = pgcluster.free_port()
    auth = f"ops:{secrets.token_urlsafe(16)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "O2C_"))}
    env.update(O2C_HOME=str(home), O2C_PREFECT_PORT=str(port), PREFECT_API_AUTH_STRING=auth,
               PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_WORKER_QUERY_SECONDS="2")  # test pace: look for runs every 2 s, not 10
    api = f"http://127.0.0.1:{port}/api"
    settings = Settings(home=home)
    started, cluster = [], None
    try:
        up = _stack(env, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        cluster, postmaster = read_state(settings)
        started = [postmaster, *(recorded(settings, name) for name in SERVICES)]

        assert _api_status(api, None) == 401
        assert _api_status(api, "ops:wrong-password") == 401
        assert _api_status(api, auth) == 200

        ran = _stack(env, "run")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        run_id = re.search(r"\(([0-9a-f-]{36})\): Completed", ran.stdout)
        assert run_id, ran.stdout

        import psycopg  # the run is a row in Prefect's tables on PostgreSQL

        with psycopg.connect(cluster.admin_conninfo(PREFECT_DATABASE)) as conn:
            row = conn.execute("select state_type from flow_run where id = %s",
                               (run_id.group(1),)).fetchone()
        assert row == ("COMPLETED",)
    finally:
        down = _stack(env, "down", timeout=120)
    assert down.returncode == 0, down.stdout + down.stderr
    assert len(started) == 3 and not any(p.alive() for p in started if p), started
    assert processes_with_home(home) == []
    assert cluster is not None and not cluster.root.exists()
