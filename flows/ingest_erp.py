"""Flow: load new ERP extracts from the landing zone into raw.*, once each."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.events import emit_event

from o2c.adapters import warehouse
from o2c.adapters.landing import LandedFile, open_landing
from o2c.domain.quarantine import is_quarantine_spike
from o2c.ingest.erp import ERP_PREFIX, load_file, pending
from o2c.reporting import quarantine_markdown
from o2c.settings import Settings


@task
def list_new_erp_files() -> list[LandedFile]:
    settings = Settings()
    files = list(open_landing(settings).list(ERP_PREFIX))
    with warehouse.writer(settings) as con:
        return pending(con, files)


@task(retries=2, retry_delay_seconds=5)  # safe: bytes already in the ledger load nothing
def load_erp_file(landed: LandedFile) -> dict:
    settings = Settings()
    data = open_landing(settings).read(landed.key)  # read before taking the writer slot
    with warehouse.writer(settings) as con:
        return asdict(load_file(con, landed, data))


QUARANTINE_EVENT = "o2c.erp.rows-quarantined"  # infra/automations.yaml alerts on its spikes


@task
def announce_quarantine(outcomes: list[dict]) -> bool:
    """One event per load that quarantined rows, with the counts; True when it is a spike."""
    quarantined = sum(o["rows_quarantined"] or 0 for o in outcomes)
    if not quarantined:
        return False
    loaded = sum(o["rows_loaded"] or 0 for o in outcomes)
    settings = Settings()
    spike = is_quarantine_spike(quarantined, quarantined + loaded,
                                settings.quarantine_spike_rows, settings.quarantine_spike_share)
    emit_event(event=QUARANTINE_EVENT,
               resource={"prefect.resource.id": "o2c.landing.erp",
                         "prefect.resource.name": "ERP extracts",
                         "o2c.quarantine.spike": str(spike).lower()},
               payload={"rows_quarantined": quarantined, "rows_loaded": loaded,
                        "files": sorted(o["key"] for o in outcomes if o["rows_quarantined"])})
    return spike


@flow(name="ingest-erp", log_prints=True)
def ingest_erp() -> list[dict]:
    outcomes = [load_erp_file(f) for f in list_new_erp_files()]
    for o in outcomes:
        print(o["error"] or f"{o['key']}: {o['status']}, {o['rows_loaded']} rows loaded, "
              f"{o['rows_quarantined']} quarantined")
    if outcomes:
        columns = ["key", "dataset", "status", "version", "rows_loaded", "rows_quarantined",
                   "error"]
        create_table_artifact([{c: o[c] for c in columns} for o in outcomes],
                              key="erp-files-loaded", description="ERP files seen this run")
        create_markdown_artifact(quarantine_markdown(outcomes), key="erp-quarantine",
                                 description="Rows quarantined this run, top reasons")
        announce_quarantine(outcomes)
    return outcomes
