"""How o2c runs its dbt project: the project and profile live in the repo; the warehouse path
comes from settings (passed to dbt's profile as O2C_DUCKDB_PATH, or on the PostgreSQL backend
as the `postgres` target's O2C_PG_* variables)."""

from __future__ import annotations

import json
import os
from datetime import date

from o2c.settings import Settings


def dbt_env(settings: Settings) -> None:
    """Point dbt's profile at this run's warehouse file (or PostgreSQL database)."""
    os.environ["O2C_DUCKDB_PATH"] = str(settings.warehouse_path)
    if settings.warehouse_backend == "postgres":
        from o2c.adapters.dbt_pg import postgres_target_env

        os.environ.update(postgres_target_env(settings))


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

    dbt_env(settings)
    args = [str(Path(sys.executable).with_name("dbt")), *dbt_args(command, settings)]
    if command[-1:] == ["serve"]:
        subprocess.run(args, check=True)  # reads target/ only: no warehouse access
        return
    with writer_slot(settings):
        subprocess.run(args, check=True)
