"""How o2c runs its dbt project: the project and profile live in the repo; the warehouse path
comes from settings (passed to dbt's profile as O2C_DUCKDB_PATH, or on the PostgreSQL backend
as the `postgres` target's O2C_PG_* variables)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date

from o2c.settings import Settings


@contextmanager
def env_vars(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dbt_env(settings: Settings) -> AbstractContextManager[None]:
    """Point dbt's profile at this run's warehouse file (or PostgreSQL database) while dbt runs.

    Scoped, not left set: a later Settings() in the same process (a worker running the next
    flow) must not inherit this run's warehouse path.
    """
    values = {"O2C_DUCKDB_PATH": str(settings.warehouse_path)}
    if settings.warehouse_backend == "postgres":
        from o2c.adapters.dbt_pg import postgres_target_env

        values.update(postgres_target_env(settings))
    return env_vars(values)


def dbt_args(command: list[str], settings: Settings, as_of: date | None = None) -> list[str]:
    args = [*command, "--project-dir", str(settings.dbt_project_dir),
            "--profiles-dir", str(settings.dbt_project_dir)]
    if settings.warehouse_backend == "postgres":
        args += ["--target", "postgres"]
    if as_of is not None:
        args += ["--vars", json.dumps({"as_of": as_of.isoformat()})]
    return args


def run_dbt(settings: Settings, command: list[str]) -> None:
    """Run the dbt CLI from this environment (e.g. docs generate) under the writer slot."""
    import subprocess
    import sys
    from pathlib import Path

    from o2c.adapters.warehouse import writer_slot

    args = [str(Path(sys.executable).with_name("dbt")), *dbt_args(command, settings)]
    with dbt_env(settings):
        if command[-1:] == ["serve"]:
            subprocess.run(args, check=True)  # reads target/ only: no warehouse access
            return
        with writer_slot(settings):
            subprocess.run(args, check=True)
