"""Drafts in the warehouse: `app.drafts` holds each draft once (status `pending` when stored);
what happens to it later is a row in `app.draft_events` (expired, approved, rejected,
returned). A draft's status is its latest event, or `pending` without one. Decisions are rows
in `app.approvals`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from o2c.adapters import journal
from o2c.approval import Decision
from o2c.domain.ids import stable_id
from o2c.drafting.records import Draft

ACTIVE = "pending"


@dataclass(frozen=True)
class StoredDraft:
    draft_id: str
    as_of: date
    customer_id: str
    currency: str
    stage: str
    status: str
    subject: str
    body: str
    facts: dict
    drafter: str
    checks: str | None  # guardrail findings the approver should see

    @property
    def to(self) -> list[str]:
        return list(self.facts.get("to", []))

    @property
    def cc(self) -> list[str]:
        return list(self.facts.get("cc", []))


def facts_hash(facts_json: str) -> str:
    return hashlib.sha256(facts_json.encode()).hexdigest()[:12]


def revision_id(con: duckdb.DuckDBPyConnection, base_id: str, facts_json: str) -> str | None:
    """The id a draft with these facts gets, or None when the very same draft is stored.

    Same customer, currency, stage and day keep the drafting library's id; if that id is
    taken by a draft written from other facts (a payment arrived since), the new draft gets
    an id that also names its facts.
    """
    rows = dict(con.execute("select draft_id, facts from app.drafts where draft_id in (?, ?)",
                            [base_id, stable_id("DRF", base_id, facts_hash(facts_json))]
                            ).fetchall())
    if base_id not in rows:
        return base_id
    if rows[base_id] == facts_json:
        return None
    revised = stable_id("DRF", base_id, facts_hash(facts_json))
    return None if revised in rows else revised


def existing_id(con: duckdb.DuckDBPyConnection, base_id: str, facts_json: str) -> str:
    revised = stable_id("DRF", base_id, facts_hash(facts_json))
    rows = dict(con.execute("select draft_id, facts from app.drafts where draft_id in (?, ?)",
                            [base_id, revised]).fetchall())
    return base_id if rows.get(base_id) == facts_json else revised


def statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select d.draft_id, coalesce(e.status, d.status) from app.drafts d left join ("
        "  select draft_id, arg_max(status, seq) status from app.draft_events "
        "  group by draft_id) e using (draft_id)").fetchall()
    return dict(rows)


def event(draft_id: str, status: str, reason: str | None, run_id: str | None) -> dict:
    return {"draft_event_id": stable_id("DEV", draft_id, status), "draft_id": draft_id,
            "status": status, "reason": reason, "run_id": run_id}


def store_drafts(con: duckdb.DuckDBPyConnection, drafts: Iterable[Draft],
                 run_id: str | None) -> int:
    rows = []
    for d in drafts:
        row = d.journal_row(ACTIVE, run_id)
        if not d.checks_passed:
            row["detail"] = json.dumps({"checks_failed": True, "detail": d.detail})
        rows.append(row)
    return journal.append(con, "drafts", pd.DataFrame(rows)) if rows else 0


def expire_older(con: duckdb.DuckDBPyConnection, keep: set[str], as_of: date,
                 customers: set[str] | None, run_id: str | None) -> list[str]:
    """Pending drafts of an earlier or equal day not in `keep` (of `customers`, the ones this
    run planned for; None: all) are superseded by this run."""
    current = statuses(con)
    rows = con.execute("select draft_id, customer_id, currency from app.drafts "
                       "where as_of <= ?", [as_of]).fetchall()
    expired = [draft_id for draft_id, customer_id, _ in rows
               if current.get(draft_id) == ACTIVE and draft_id not in keep
               and (customers is None or customer_id in customers)]
    journal.append(con, "draft_events", pd.DataFrame(
        [event(d, "expired", f"superseded by the drafting run of {as_of}", run_id)
         for d in expired]))
    return expired


def load(con: duckdb.DuckDBPyConnection, draft_ids: list[str]) -> list[StoredDraft]:
    """The drafts, in the order asked, with their current status."""
    if not draft_ids:
        return []
    current = statuses(con)
    rows = con.execute(
        "select draft_id, as_of, customer_id, currency, stage, subject, body, facts, "
        "drafter, detail from app.drafts where draft_id in (select unnest(?))",
        [draft_ids]).fetchall()
    by_id = {}
    for draft_id, as_of, cid, cur, stage, subject, body, facts, drafter, detail in rows:
        checks = None
        if detail and '"checks_failed": true' in detail:
            checks = "the text checks found problems: read carefully before approving"
        by_id[draft_id] = StoredDraft(draft_id, as_of, cid, cur, stage, current[draft_id],
                                      subject or "", body or "", json.loads(facts or "{}"),
                                      drafter or "", checks)
    missing = [d for d in draft_ids if d not in by_id]
    if missing:
        raise KeyError(f"drafts not in app.drafts: {missing}")
    return [by_id[d] for d in draft_ids]


def pending_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select draft_id from app.drafts order by customer_id, currency, "
                       "draft_id").fetchall()
    current = statuses(con)
    return [r[0] for r in rows if current[r[0]] == ACTIVE]


def decided_in_run(con: duckdb.DuckDBPyConnection, run_id: str) -> set[str]:
    rows = con.execute("select subject_id from app.approvals where run_id = ? and "
                       "subject_type = 'draft'", [run_id]).fetchall()
    return {r[0] for r in rows}


def record_decisions(con: duckdb.DuckDBPyConnection, decisions: Iterable[Decision],
                     run_id: str | None) -> int:
    """Journal who decided what, when and what they changed; approve/reject end the wait."""
    approvals, events = [], []
    for d in decisions:
        approvals.append({
            "approval_id": stable_id("APR", run_id, d.item_id, d.page_key),
            "subject_type": "draft", "subject_id": d.item_id, "decision": d.decision,
            "approver": d.approver, "actor": d.actor, "edited_body": d.edited_text,
            "comment": d.comment, "decided_at": d.decided_at.replace(tzinfo=None),
            "run_id": run_id})
        if d.decision in ("approve", "reject"):
            status = "approved" if d.decision == "approve" else "rejected"
            reason = f"{d.approver}" + (" (body edited)" if d.edited_text else "")
            events.append(event(d.item_id, status, reason, run_id))
    added = journal.append(con, "approvals", pd.DataFrame(approvals)) if approvals else 0
    if events:
        journal.append(con, "draft_events", pd.DataFrame(events))
    return added


def approval_of(con: duckdb.DuckDBPyConnection, draft_id: str) -> tuple[str, str | None] | None:
    """The latest approving decision of a draft: (approval_id, edited body or None)."""
    return con.execute(
        "select approval_id, edited_body from app.approvals where subject_type = 'draft' "
        "and subject_id = ? and decision = 'approve' order by seq desc limit 1",
        [draft_id]).fetchone()
