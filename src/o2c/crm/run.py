"""One CRM sync run: diff what o2c knows against what the CRM acknowledged, send the changes a
batch at a time, journal each batch's outcome as soon as it is known.

The warehouse writer is held only to read the state and to journal a batch, never during a CRM
call. A batch the CRM did not take stops the run: nothing of it is acknowledged, so the next run
sends exactly the remaining changes, and nothing already acknowledged twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from o2c.adapters import warehouse
from o2c.adapters.crm import Crm, CrmUnavailable
from o2c.crm import store
from o2c.crm.config import FieldMap
from o2c.domain.crm import AccountUpdate, batches, changes_for, journal_rows, result_for
from o2c.settings import Settings


@dataclass
class CrmSyncReport:
    crm_system: str
    accounts: int = 0  # customers with an account in this CRM
    rows: list[dict] = field(default_factory=list)  # one per account sent, skipped or held back
    stopped: str | None = None  # why the run stopped early (CRM unavailable)

    def summary(self) -> dict:
        counts = Counter(row["result"] for row in self.rows)
        return {"crm_system": self.crm_system, "accounts": self.accounts, **counts,
                **({"stopped": self.stopped} if self.stopped else {})}


def _row(update: AccountUpdate, result: str, detail: str | None) -> dict:
    changes = "; ".join(f"{c.crm_field}={'' if c.value is None else c.value}"
                        for c in update.changes)
    return {"customer_id": update.customer_id, "crm_account_id": update.crm_account_id,
            "changes": changes, "result": result, "detail": detail or ""}


def sync(settings: Settings, crm: Crm, field_map: FieldMap, run_id: str | None,
         ) -> CrmSyncReport:
    report = CrmSyncReport(crm.system)
    with warehouse.writer(settings) as con:
        statuses = store.statuses(con, crm.system)
        acked = store.acknowledged(con, crm.system)
    updates, skipped = changes_for(statuses, acked, field_map.fields, settings.notify_link_base)
    report.accounts = len(statuses)
    report.rows += [{"customer_id": s.customer_id, "crm_account_id": s.crm_account_id,
                     "changes": "", "result": "skipped", "detail": s.reason} for s in skipped]
    size = min(settings.crm_batch_size or crm.max_batch, crm.max_batch)
    attempt = run_id or datetime.now(UTC).isoformat()
    todo = batches(updates, size)
    for number, batch in enumerate(todo):
        try:
            results = crm.update(batch)
        except CrmUnavailable as err:
            report.stopped = str(err)
            held = [u for later in todo[number:] for u in later]
            report.rows += [_row(u, "not_sent", "CRM unavailable: sent on the next run")
                            for u in held]
            break
        rows = journal_rows(crm.system, batch, results, run_id, attempt)
        with warehouse.writer(settings) as con:
            store.record(con, rows)
        for update in batch:
            result = result_for(results, update.crm_account_id)
            report.rows.append(_row(update, result.outcome, result.detail))
    return report
