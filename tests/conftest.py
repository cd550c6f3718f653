"""Shared fixtures: every test gets its own O2C_HOME (landing, warehouse) under tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# The modules that take minutes, longest first: under `pytest -n` (make test) they start
# before the short ones, so the workers finish together instead of one waiting on a stack test.
LONGEST_FIRST = [
    "integration/test_local_stack.py",
    "e2e/test_approval_ui.py",
    "integration/test_pg_stack.py",
    "flows/test_pipeline.py",
    "flows/test_score_credit.py",
    "flows/test_dunning.py",
    "integration/test_cashapp_engine.py",
    "integration/test_pg_warehouse.py",
    "integration/test_notify_events.py",
    "integration/test_doctor.py",
    "integration/test_alerts_fire.py",
    "integration/test_automations.py",
    "flows/test_notify.py",
    "integration/test_dbt_ar_layer.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long modules first; the sort is stable, so tests keep their order within a
    module (test_pipeline.py's last tests build on its earlier ones)."""
    tests = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        module = item.path.relative_to(tests).as_posix()
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def dbt_artifacts(tmp_path_factory):
    """dbt's target/ and logs/ (manifest, partial parse state) in this session's temp folder,
    not in dbt_project/: parallel workers, and the stack tests' subprocesses, which inherit
    the variables, must not write the same files."""
    root = tmp_path_factory.mktemp("dbt")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DBT_TARGET_PATH", str(root / "target"))
        env.setenv("DBT_LOG_PATH", str(root / "logs"))
        yield root


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
