"""A local Prefect server (SQLite) and a process worker, started in the background.

Each process we start is recorded in `<home>/run/<name>.json` with its pid and its kernel start
time, so `stop` ends exactly the processes it started (never a recycled pid), with their
children (each runs in its own process group).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from o2c.settings import PROJECT_ROOT, Settings

SERVICES = ("worker", "server")  # stop order: the worker first


def prefect_env(settings: Settings) -> dict[str, str]:
    """Environment for Prefect processes and clients talking to the local server."""
    return {
        "PREFECT_HOME": str(settings.home / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{settings.prefect_port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_URL": f"http://127.0.0.1:{settings.prefect_port}",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }


def use_local_server(settings: Settings) -> None:
    """Point this process's Prefect client at the local server (before prefect is imported)."""
    for key, value in prefect_env(settings).items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class Started:
    name: str
    pid: int
    started: str  # /proc start time: tells our process from a later one with the same pid

    @classmethod
    def of(cls, name: str, pid: int) -> Started:
        return cls(name, pid, _start_time(pid) or "")

    def alive(self) -> bool:
        return _start_time(self.pid) == self.started and not _reap_if_zombie(self.pid)


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _reap_if_zombie(pid: int) -> bool:
    """A child that exited but was not waited for is dead: collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    if state != "Z":
        return False
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return True


def _record_path(settings: Settings, name: str) -> Path:
    return settings.run_dir / f"{name}.json"


def recorded(settings: Settings, name: str) -> Started | None:
    path = _record_path(settings, name)
    if not path.exists():
        return None
    return Started(**json.loads(path.read_text()))


def healthy(settings: Settings) -> bool:
    url = f"http://127.0.0.1:{settings.prefect_port}/api/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _spawn(settings: Settings, name: str, args: list[str],
           extra_env: Mapping[str, str] | None = None) -> Started:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
    env = {**os.environ, **prefect_env(settings), "O2C_HOME": str(settings.home),
           **(extra_env or {})}
    proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    started = Started.of(name, proc.pid)
    _record_path(settings, name).write_text(json.dumps(started.__dict__))
    return started


def _prefect_cli() -> list[str]:
    return [sys.executable, "-m", "prefect"]


def start_server(settings: Settings, timeout: float = 90,
                 server_env: Mapping[str, str] | None = None) -> str:
    """Start the server unless one answers on the port; return what was done.

    `server_env` reaches the server process only (its database URL, its auth string).
    """
    if healthy(settings):
        return "already running"
    _spawn(settings, "server", [*_prefect_cli(), "server", "start", "--host", "127.0.0.1",
                                "--port", str(settings.prefect_port)], server_env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(settings):
            return "started"
        time.sleep(0.5)
    raise RuntimeError(f"Prefect server did not answer within {timeout:.0f}s; "
                       f"see {settings.run_dir / 'server.log'}")


def start_worker(settings: Settings) -> str:
    current = recorded(settings, "worker")
    if current and current.alive():
        return "already running"
    _spawn(settings, "worker", [*_prefect_cli(), "worker", "start", "--pool",
                                settings.work_pool, "--type", "process"])
    return "started"


def stop(settings: Settings, timeout: float = 20) -> list[str]:
    """Stop the worker and the server we started (their whole process groups)."""
    report = []
    for name in SERVICES:
        started = recorded(settings, name)
        if started is None:
            continue
        if started.alive():
            _terminate_group(started, timeout)
            report.append(f"{name} (pid {started.pid}) stopped")
        else:
            report.append(f"{name} (pid {started.pid}) was not running")
        _record_path(settings, name).unlink(missing_ok=True)
    return report or ["nothing of ours was running"]


def _terminate_group(started: Started, timeout: float) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(started.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not started.alive() and not _group_alive(started.pid):
                return
            time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def status(settings: Settings) -> dict[str, str]:
    out = {"api": prefect_env(settings)["PREFECT_API_URL"],
           "server_health": "ok" if healthy(settings) else "down"}
    for name in SERVICES:
        started = recorded(settings, name)
        out[name] = (f"pid {started.pid} {'running' if started.alive() else 'not running'}"
                     if started else "not started by o2c")
    return out
