"""Register o2c's deployments on a Prefect server and run them through a worker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from datetime import date

from o2c.localserver import prefect_env
from o2c.settings import PROJECT_ROOT, Settings


def ensure_work_pool(settings: Settings) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=settings.work_pool, type="process"))


def deploy_all(settings: Settings) -> None:
    """`prefect deploy --all` from the project folder (idempotent: updates in place)."""
    from o2c.adapters.warehouse import ensure_concurrency_limit

    ensure_work_pool(settings)
    ensure_concurrency_limit(settings.warehouse_limit)
    env = {**os.environ, **prefect_env(settings), "O2C_PROJECT_DIR": str(PROJECT_ROOT)}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PREFECT_API")})
    result = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"prefect deploy failed:\n{result.stdout}\n{result.stderr}")


def run_pipeline_deployment(as_of: date | None, timeout: float = 1800):
    """Start a pipeline run on the worker and wait for it; return the final flow run."""
    from prefect.deployments import run_deployment

    parameters = {"as_of": as_of.isoformat()} if as_of else {}
    return run_deployment("pipeline/pipeline", parameters=parameters, timeout=timeout)
