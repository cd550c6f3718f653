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


def deploy_env(settings: Settings) -> dict[str, str]:
    """The values prefect.yaml takes from the environment (`{{ $O2C_... }}`) at deploy time."""
    return {"O2C_PROJECT_DIR": str(settings.deploy_project_dir or PROJECT_ROOT),
            "O2C_WORK_POOL": settings.work_pool,
            "O2C_TIME_ZONE": settings.time_zone}


def deploy_all(settings: Settings, activate: bool = False) -> list[str]:
    """`prefect deploy --all` from the project folder (idempotent: updates in place).

    prefect.yaml registers every schedule and trigger switched off; `activate` switches them
    on, so a demo or test server never starts runs nobody asked for."""
    from o2c.adapters.warehouse import ensure_concurrency_limit

    ensure_work_pool(settings)
    ensure_concurrency_limit(settings.warehouse_limit)
    env = {**os.environ, **prefect_env(settings), **deploy_env(settings)}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PREFECT_API")})
    result = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"prefect deploy failed:\n{result.stdout}\n{result.stderr}")
    return activate_schedules_and_triggers() if activate else []


def activate_schedules_and_triggers(tag: str = "o2c") -> list[str]:
    """Switch on every schedule and deployment trigger of the deployments tagged `tag`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterTags

    report = []
    with get_client(sync_client=True) as client:
        ours = DeploymentFilter(tags=DeploymentFilterTags(all_=[tag]))
        for deployment in client.read_deployments(deployment_filter=ours):
            for schedule in deployment.schedules:
                client.update_deployment_schedule(deployment.id, schedule.id, active=True)
            # its triggers: the automations that start it (the API does not return the owner)
            owned = [a for a in client.read_resource_related_automations(
                f"prefect.deployment.{deployment.id}")
                if any(getattr(action, "deployment_id", None) == deployment.id
                       for action in a.actions)]
            for automation in owned:
                client.resume_automation(automation.id)
            report.append(f"{deployment.name}: {len(deployment.schedules)} schedule(s), "
                          f"{len(owned)} trigger(s) active")
    return sorted(report)


def run_pipeline_deployment(as_of: date | None, timeout: float = 1800):
    """Start a pipeline run on the worker and wait for it; return the final flow run."""
    from prefect.deployments import run_deployment

    parameters = {"as_of": as_of.isoformat()} if as_of else {}
    return run_deployment("pipeline/pipeline", parameters=parameters, timeout=timeout)
