"""The DuckDB warehouse: one writer at a time, readers on a published copy.

A write connection is opened under the Prefect global concurrency limit `warehouse` (1 slot)
when running inside a Prefect flow, and always under a file lock, so the CLI, a flow and dbt
never write at once. Connections are held only for the block that needs them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from o2c.adapters.schema import all_ddl
from o2c.settings import Settings


class WarehouseBusy(RuntimeError):
    pass


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in all_ddl():
        con.execute(statement)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the writer before us
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _in_prefect_run() -> bool:
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def ensure_concurrency_limit(name: str, slots: int = 1) -> None:
    """Create the global concurrency limit on the Prefect server if it is missing."""
    from prefect.settings import PREFECT_API_URL

    _ensure_limit_on(PREFECT_API_URL.value(), name, slots)


@cache  # once per server: a process may talk to several (tests, a stack and the demo)
def _ensure_limit_on(api_url: str | None, name: str, slots: int) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=slots, active=True)
            )


@contextmanager
def writer_slot(settings: Settings) -> Iterator[None]:
    """Exclusive right to write the warehouse file (Prefect limit in flows + a file lock)."""
    if _in_prefect_run():
        from prefect.concurrency.sync import concurrency

        ensure_concurrency_limit(settings.warehouse_limit)
        with concurrency(settings.warehouse_limit, occupy=1, strict=True), _file_lock(
            settings.warehouse_path
        ):
            yield
    else:
        with _file_lock(settings.warehouse_path):
            yield


@contextmanager
def writer(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived write connection with the schema ensured; closed (checkpointed) on exit."""
    if settings.warehouse_backend == "postgres":  # shared database: no single-writer slot
        from o2c.adapters import warehouse_pg

        with warehouse_pg.writer(settings) as conn:
            yield conn  # type: ignore[misc]
        return
    with writer_slot(settings):
        con = duckdb.connect(str(settings.warehouse_path))
        limit_memory(con, settings)
        try:
            ensure_schema(con)
            yield con
            con.execute("checkpoint")
        finally:
            con.close()


def limit_memory(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Cap DuckDB (`O2C_DUCKDB_MEMORY_LIMIT`): a million receipts otherwise hold 10 GiB."""
    if settings.duckdb_memory_limit:
        con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")


def publish_read_copy(settings: Settings) -> Path:
    """Copy the warehouse for readers (docs, CLI, auditors), atomically, between writes."""
    target = settings.read_copy_path
    with writer_slot(settings):
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(settings.warehouse_path, tmp)
        os.replace(tmp, target)
    return target


@contextmanager
def reader(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only access: the published copy if there is one, else the live file."""
    for path in (settings.read_copy_path, settings.warehouse_path):
        if path.exists():
            try:
                con = duckdb.connect(str(path), read_only=True)
            except duckdb.IOException as exc:
                raise WarehouseBusy(
                    f"{path}: a writer holds the warehouse and no read copy is published yet; "
                    "retry when the running flow finishes"
                ) from exc
            try:
                yield con
            finally:
                con.close()
            return
    raise FileNotFoundError(
        f"no warehouse at {settings.warehouse_path}: run `o2c run` (or `make demo`) first"
    )
