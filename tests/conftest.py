"""Shared fixtures: every test gets its own O2C_HOME (landing, warehouse) under tmp_path."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture
def o2c_home(tmp_path, monkeypatch):
    """An isolated o2c home: landing folder and DuckDB file inside tmp_path."""
    home = tmp_path / "o2c"
    monkeypatch.setenv("O2C_HOME", str(home))
    for var in ("O2C_LANDING_URL", "O2C_DUCKDB_PATH", "O2C_S3_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    (home / "landing").mkdir(parents=True)
    return home


@pytest.fixture
def settings(o2c_home):
    from o2c.settings import Settings

    return Settings()
