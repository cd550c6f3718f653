"""A real Prefect server (SQLite) on a free port for a test module, started and stopped the way
`o2c server start|stop` does it (own process group, recorded pid), and a way to talk to it
from the test process."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from o2c.localserver import start_server, stop
from o2c.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class PrefectServer:
    home: Path
    port: int

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self) -> dict[str, str]:
        """For a subprocess (an `o2c` command) talking to this server."""
        return {"PREFECT_API_URL": self.api_url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_HOME": str(self.home / "prefect"), "O2C_PREFECT_PORT": str(self.port)}

    @contextmanager
    def client_settings(self) -> Iterator[None]:
        """Point this process's Prefect client at the server (prefect is already imported, so
        the environment alone would not reach it)."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.api_url}):
            yield


@contextmanager
def running_server(home: Path) -> Iterator[PrefectServer]:
    settings = Settings(home=home, prefect_port=free_port())
    start_server(settings, timeout=240)
    try:
        yield PrefectServer(settings.home, settings.prefect_port)
    finally:
        stop(settings)
