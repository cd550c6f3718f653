"""O2C_DUCKDB_MEMORY_LIMIT caps DuckDB on o2c's warehouse connections; a bad value is refused."""

from __future__ import annotations

import pydantic
import pytest

from o2c.adapters import warehouse
from o2c.settings import Settings


def test_the_writer_runs_under_the_configured_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("O2C_HOME", str(tmp_path))
    monkeypatch.setenv("O2C_DUCKDB_MEMORY_LIMIT", "512MB")
    with warehouse.writer(Settings()) as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "488.2 MiB"  # 512 MB, as DuckDB reports it


def test_a_limit_duckdb_would_not_understand_is_refused(monkeypatch):
    monkeypatch.setenv("O2C_DUCKDB_MEMORY_LIMIT", "4 potatoes")
    with pytest.raises(pydantic.ValidationError, match="duckdb_memory_limit"):
        Settings()
