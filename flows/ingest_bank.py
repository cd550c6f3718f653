"""Flow: load new bank statement files from the landing zone into raw.bank_*, whole or not.

Banks send many small files (a statement a day per account), so files load in chunks: one
task reads a chunk, then loads each file of it in its own transaction under one writer slot.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from prefect import flow, task
from prefect.artifacts import create_table_artifact

from o2c.adapters import warehouse
from o2c.adapters.landing import LandedFile, open_landing
from o2c.ingest.bank import BANK_PREFIX, load_bank_file, pending
from o2c.settings import Settings

CHUNK_FILES = 50
CHUNK_BYTES = 64 << 20  # what a chunk may hold in memory while it waits for the writer


@task
def list_new_bank_files() -> list[LandedFile]:
    settings = Settings()
    files = list(open_landing(settings).list(BANK_PREFIX))
    with warehouse.writer(settings) as con:
        return pending(con, files)


def chunks(files: list[LandedFile]) -> list[list[LandedFile]]:
    out: list[list[LandedFile]] = []
    size = 0
    for f in files:
        if not out or len(out[-1]) >= CHUNK_FILES or size + f.size > CHUNK_BYTES:
            out.append([])
            size = 0
        out[-1].append(f)
        size += f.size
    return out


@task(retries=2, retry_delay_seconds=5)  # safe: bytes already in the ledger load nothing
def load_bank_chunk(files: list[LandedFile]) -> list[dict]:
    settings = Settings()
    landing = open_landing(settings)
    data = [landing.read(f.key) for f in files]  # read before taking the writer slot
    with warehouse.writer(settings) as con:
        return [asdict(load_bank_file(con, f, d)) for f, d in zip(files, data, strict=True)]


@flow(name="ingest-bank", log_prints=True)
def ingest_bank() -> list[dict]:
    outcomes = [o for chunk in chunks(list_new_bank_files()) for o in load_bank_chunk(chunk)]
    for o in outcomes:
        if o["status"] != "loaded":
            print(o["error"] or f"{o['key']}: {o['status']}")
    print(f"bank files: {Counter(o['status'] for o in outcomes)}")
    if outcomes:
        columns = ["key", "file_format", "status", "version", "statements", "transactions",
                   "error"]
        create_table_artifact([{c: o[c] for c in columns} for o in outcomes],
                              key="bank-files-loaded", description="Bank files seen this run")
        per_account: Counter[str] = Counter()
        for o in outcomes:
            per_account.update(o["per_account"])
        create_table_artifact(
            [{"account": a, "transactions": n} for a, n in sorted(per_account.items())],
            key="bank-transactions-per-account",
            description="Bank transactions loaded this run, per account")
    return outcomes
