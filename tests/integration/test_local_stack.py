"""What `make demo` does, end to end: a real Prefect server and worker started in the
background, deployments registered, the pipeline run on the worker, and `o2c server stop`
leaving no process of ours behind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from home_processes import processes_with_home

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Test pace, not behaviour: the worker looks for runs every 2 s (not 10), and the server records
# task runs in batches (one SQLite write per task-run event locks out the `warehouse` slot's
# writes, and each collision costs a 2 s retry, once per file the pipeline loads).
QUICK_STACK = {"PREFECT_WORKER_QUERY_SECONDS": "2",
               "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _o2c(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2c.cli", *args], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def test_demo_runs_the_pipeline_on_a_worker_and_stop_leaves_nothing(tmp_path):
    home = tmp_path / "o2c"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "O2C_"))}
    env.update(O2C_HOME=str(home), O2C_PREFECT_PORT=str(_free_port()),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", **QUICK_STACK)
    try:
        first = _o2c(env, "demo", "--customers", "20")
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Completed" in first.stdout
        assert "AR aging" in first.stdout and "Prefect UI:" in first.stdout
        assert "  auto " in first.stdout, first.stdout  # the pipeline applied cash
        again = _o2c(env, "demo", "--customers", "20")  # re-running is safe
        assert again.returncode == 0, again.stdout + again.stderr
        assert "already generated" in again.stdout
        assert "server: already running" in again.stdout.replace("Prefect server:", "server:")
    finally:
        stopped = _o2c(env, "server", "stop")
    assert "server" in stopped.stdout and "worker" in stopped.stdout, stopped.stdout
    assert processes_with_home(home) == []
