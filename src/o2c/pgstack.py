"""The production stack on one machine: Prefect server on PostgreSQL with API auth, a process
worker, the pipeline deployment run through it.

    PREFECT_API_AUTH_STRING=user:password python -m o2c.pgstack up     # PostgreSQL, server, worker
    PREFECT_API_AUTH_STRING=user:password python -m o2c.pgstack run    # the pipeline on the worker
    python -m o2c.pgstack down                                         # stop all of it, clean up

The auth string comes from the caller's environment (Prefect's own client setting) and the
database password is made up at start and handed to the server process only: neither is stored.
`<home>/run/stack.json` records what was started (folders, ports, pids) so `down` stops exactly
that and nothing else.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from o2c import pgcluster
from o2c.localserver import Started, healthy, prefect_env, start_server, start_worker
from o2c.localserver import stop as stop_prefect
from o2c.settings import Settings

PREFECT_DATABASE = "prefect"
PREFECT_ROLE = "prefect"

app = typer.Typer(help="Prefect on PostgreSQL with API auth, a worker, the pipeline",
                  no_args_is_help=True)


def _state_path(settings: Settings) -> Path:
    return settings.run_dir / "stack.json"


def read_state(settings: Settings) -> tuple[pgcluster.Cluster, Started] | None:
    """The PostgreSQL cluster `up` started for this home, and its postmaster."""
    path = _state_path(settings)
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    cluster = state["cluster"]
    return (pgcluster.Cluster(Path(cluster["root"]), cluster["port"], cluster["user"]),
            Started(**state["postmaster"]))


def _write_state(settings: Settings, cluster: pgcluster.Cluster, postmaster: Started) -> None:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    state = {"cluster": {**asdict(cluster), "root": str(cluster.root)},
             "postmaster": asdict(postmaster)}
    _state_path(settings).write_text(json.dumps(state, indent=2))


def _api_auth_string() -> str:
    from prefect.settings import get_current_settings

    secret = get_current_settings().api.auth_string
    if secret is None or not secret.get_secret_value():
        raise RuntimeError("PREFECT_API_AUTH_STRING is not set: export it as `user:password`; "
                           "the server requires it from every client, this one included")
    return secret.get_secret_value()


def up(settings: Settings) -> list[str]:
    """Start PostgreSQL, the Prefect server on it (auth on), the deployments and a worker."""
    if _state_path(settings).exists() or healthy(settings):
        raise RuntimeError(f"a stack already runs for {settings.home} or on port "
                           f"{settings.prefect_port}: `down` it first, or pick O2C_PREFECT_PORT")
    from o2c.localserver import use_local_server

    use_local_server(settings)
    auth = _api_auth_string()
    report = []
    try:
        cluster = pgcluster.create()
        postmaster = pgcluster.start(cluster, env=_postgres_env(settings))
        _write_state(settings, cluster, postmaster)
        password = secrets.token_urlsafe(24)
        pgcluster.create_database(cluster, PREFECT_DATABASE, PREFECT_ROLE, password)
        report.append(f"postgresql: 127.0.0.1:{cluster.port} as OS user {cluster.user}")
        server_env = {
            "PREFECT_SERVER_DATABASE_CONNECTION_URL":
                f"postgresql+asyncpg://{PREFECT_ROLE}:{password}@127.0.0.1:{cluster.port}"
                f"/{PREFECT_DATABASE}",
            "PREFECT_SERVER_API_AUTH_STRING": auth,
        }
        report.append(f"prefect server: {start_server(settings, 180, server_env)}")
        check_auth_enforced(settings, auth)
        report.append("api auth: unauthenticated calls refused (401)")
        from o2c.deploy import deploy_all

        deploy_all(settings)
        report.append("deployments: registered")
        report.append(f"worker: {start_worker(settings)}")
    except BaseException:
        down(settings)
        raise
    return report


def _postgres_env(settings: Settings) -> dict[str, str]:
    # O2C_HOME tells whose stack a process belongs to; no other variable (no secrets) goes along
    return {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "O2C_HOME": str(settings.home)}


def check_auth_enforced(settings: Settings, auth: str) -> None:
    """An API call without credentials is refused (401); the same call with them is not."""
    if _api_status(settings, None) != 401:
        raise RuntimeError("the Prefect API answered a call without credentials: auth is off")
    status = _api_status(settings, auth)
    if status != 200:
        raise RuntimeError(f"the Prefect API refused our credentials (HTTP {status})")


def _api_status(settings: Settings, auth: str | None) -> int:
    import base64

    request = urllib.request.Request(
        f"{prefect_env(settings)['PREFECT_API_URL']}/work_pools/filter", data=b"{}",
        method="POST", headers={"Content-Type": "application/json"})
    if auth is not None:
        token = base64.b64encode(auth.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def run(settings: Settings, customers: int):
    """Run the pipeline deployment on the worker (generating a small company first if the
    landing zone is empty); return the final flow run."""
    from o2c.localserver import use_local_server

    use_local_server(settings)
    _api_auth_string()
    landing = Path(settings.landing_url)
    if not (landing / "erp").exists():
        from o2c.synth.cli import generate

        generate(customers=customers, seed=7, out=landing, fmt="csv", as_of=settings.today())
    from o2c.deploy import run_pipeline_deployment

    return run_pipeline_deployment(as_of=settings.today())


def down(settings: Settings) -> list[str]:
    """Stop the worker, the server and PostgreSQL that `up` started; remove the cluster."""
    report = stop_prefect(settings)
    state = read_state(settings)
    if state is not None:
        cluster, postmaster = state
        pgcluster.stop(cluster, postmaster)
        report.append(f"postgresql (pid {postmaster.pid}) stopped, {cluster.root} removed")
        _state_path(settings).unlink(missing_ok=True)
    return report


def _exit_with(error: RuntimeError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


@app.command("up")
def up_command() -> None:
    """Start PostgreSQL, the Prefect server on it with API auth, deployments and a worker."""
    try:
        report = up(Settings())
    except RuntimeError as error:
        raise _exit_with(error) from error
    typer.echo("\n".join(report))


@app.command("run")
def run_command(
        customers: Annotated[int, typer.Option(help="Company size if none is landed")] = 20,
) -> None:
    """Run the pipeline deployment on the worker and wait for it."""
    try:
        flow_run = run(Settings(), customers)
    except RuntimeError as error:
        raise _exit_with(error) from error
    typer.echo(f"pipeline run {flow_run.name} ({flow_run.id}): {flow_run.state.name}")
    if not flow_run.state.is_completed():
        raise typer.Exit(1)


@app.command("down")
def down_command() -> None:
    """Stop everything `up` started, by its recorded process ids."""
    for line in down(Settings()):
        typer.echo(line)


if __name__ == "__main__":
    app()
