"""Run the repository's dbt project in-process against a test warehouse file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt_build(db_path: Path, work: Path, as_of: str, *extra: str,
              variables: dict | None = None) -> None:
    """`dbt build` (models, data and unit tests, snapshot unless `extra` selects) on db_path;
    `variables` are dbt vars besides as_of."""
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as env:
        env.setenv("O2C_DUCKDB_PATH", str(db_path))
        result = dbtRunner().invoke([
            "build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
            "--no-partial-parse", "--quiet",
            "--vars", json.dumps({"as_of": as_of, **(variables or {})}), *extra,
        ])
    assert result.success, f"dbt build failed: {result.exception or result.result}"


def rows(con, sql: str) -> list[dict]:
    """Query results as dicts keyed by column name."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
