"""Flow: build the dbt project (each dbt node a Prefect task; a failing node fails the flow)."""

from __future__ import annotations

from datetime import date

from dbt_common.events.base_types import EventLevel
from prefect import flow
from prefect_dbt import PrefectDbtRunner, PrefectDbtSettings

from o2c.adapters import warehouse
from o2c.adapters.dbt import dbt_args, dbt_env
from o2c.settings import Settings


def run_dbt_build(as_of: date, select: list[str] | None = None) -> None:
    """`dbt build` through prefect-dbt under the warehouse writer slot.

    Unit tests check the SQL's logic on fixtures; they run in CI (`make test`), not daily.
    With `select`, only those nodes build, with the tests whose every parent is selected.
    """
    settings = Settings()
    runner = PrefectDbtRunner(
        settings=PrefectDbtSettings(project_dir=settings.dbt_project_dir,
                                    profiles_dir=settings.dbt_project_dir,
                                    log_level=EventLevel.INFO),
        raise_on_failure=True,
    )
    command = ["build", "--exclude-resource-type", "unit_test"]
    if select:
        command += ["--select", *select, "--indirect-selection", "cautious"]
    # dbt writes the warehouse: one writer at a time
    with dbt_env(settings), warehouse.writer_slot(settings):
        runner.invoke(dbt_args(command, settings, as_of))


@flow(name="transform")
def transform(as_of: date, select: list[str] | None = None) -> None:
    run_dbt_build(as_of, select)
