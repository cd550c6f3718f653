"""Flow: the intraday bank load - new statement files (MT942, camt.052/054, BAI2 intraday)
into raw.bank_*, then, when any loaded, what the nightly pipeline does after its loads: the
AR layer, cash application (proposals go to a review run), the balances that read it."""

from __future__ import annotations

from datetime import date

from prefect import flow, task

from flows.ingest_bank import ingest_bank
from flows.reconcile import reconcile
from flows.transform import transform
from o2c.adapters import warehouse
from o2c.settings import Settings


@task
def publish_for_readers() -> str:
    return str(warehouse.publish_read_copy(Settings()))


@flow(name="bank-intraday", log_prints=True)
def bank_intraday(as_of: date | None = None) -> dict:
    as_of = as_of or Settings().today()
    loaded = [o for o in ingest_bank() if o["status"] == "loaded"]
    if not loaded:
        print(f"bank intraday {as_of}: no new bank file, nothing to apply")
        return {"as_of": as_of.isoformat(), "files_loaded": 0}
    transform(as_of)
    cash = reconcile(as_of, review_proposals=True)
    transform(as_of, select=["stg_app__cash_applications+"])
    publish_for_readers()
    print(f"bank intraday {as_of}: {len(loaded)} new file(s), cash applied: {cash['added']}")
    return {"as_of": as_of.isoformat(), "files_loaded": len(loaded), "cash": cash["engine"]}
