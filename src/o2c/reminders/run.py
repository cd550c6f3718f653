"""The reminder steps the flows call: draft a day's reminders, turn decisions into outbox
messages, deliver with a last re-check, read bounces back. Each holds the warehouse writer
only around its reads and writes, never while the LLM or the mail provider works."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pandas as pd

from o2c.adapters import journal, warehouse
from o2c.adapters.email import Mailer, mailer_from_settings
from o2c.adapters.landing import open_landing
from o2c.adapters.llm import LLMConfig
from o2c.domain.dunning import plan_reminders
from o2c.drafting.drafter import draft_id, draft_reminders
from o2c.drafting.facts import facts_data
from o2c.drafting.llm import LLMDrafter
from o2c.dunning import load_policy
from o2c.outbox import store as outbox
from o2c.outbox.bounces import BounceReport, read_back
from o2c.outbox.deliver import DeliveryReport, deliver
from o2c.outbox.store import Queued
from o2c.reminders import facts as wh
from o2c.reminders import store
from o2c.reminders.gate import NotReady, readiness
from o2c.reminders.recheck import what_changed
from o2c.reminders.review import accounts, enqueue_approved, review_item
from o2c.settings import Settings


@dataclass
class DraftReport:
    as_of: date
    drafted: list[str] = field(default_factory=list)  # new drafts stored
    unchanged: list[str] = field(default_factory=list)  # already stored with the same facts
    expired: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)  # pending drafts of this run
    skipped: dict[str, int] = field(default_factory=dict)  # reason code -> count

    def summary(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "drafted": len(self.drafted),
                "unchanged": len(self.unchanged), "expired": len(self.expired),
                "to_review": len(self.to_review), "skipped": self.skipped}


def entities_at_work(settings: Settings, as_of: date) -> list[str] | None:
    """The entities for which `as_of` is a business day (all of them when the policy sends
    on any day); None while the AR layer has no entities yet (the readiness gate says why)."""
    if load_policy(settings.dunning_policy_path).send_on_non_business_days:
        return None
    with warehouse.writer(settings) as con:
        if not wh.has_table(con, "main.stg_erp__entities"):
            return None
        calendars = wh.read_entities(con, settings).calendars
    return [e for e, calendar in calendars.items() if calendar.is_business_day(as_of)]


def check_ready(settings: Settings, as_of: date) -> None:
    with warehouse.writer(settings) as con:
        problems = readiness(con, open_landing(settings), as_of)
    if problems:
        raise NotReady(f"reminders for {as_of} not drafted: " + "; ".join(problems))


def draft_day(settings: Settings, as_of: date, run_id: str | None,
              customer_ids: list[str] | None = None) -> DraftReport:
    """Plan and draft `as_of`'s reminders (all customers, or `customer_ids`), store them
    pending, and expire the older pending drafts they supersede. Re-running adds nothing."""
    policy = load_policy(settings.dunning_policy_path)
    report = DraftReport(as_of)
    with warehouse.writer(settings) as con:
        items = wh.read_open_items(con, as_of, customer_ids)
        customers = wh.read_customers(con, as_of, customer_ids)
        entities = wh.read_entities(con, settings)
        plan = plan_reminders(items, customers, as_of, policy, entities.calendars)
        to_draft = []
        for message in plan.messages:
            facts_json = json.dumps(facts_data(message), ensure_ascii=False, sort_keys=True)
            new_id = store.revision_id(con, draft_id(message), facts_json)
            if new_id is None:
                report.unchanged.append(store.existing_id(con, draft_id(message), facts_json))
            else:
                to_draft.append((message, new_id))
    report.skipped = dict(Counter(s.code for s in plan.skipped))
    llm = LLMDrafter.from_config(LLMConfig.from_settings(settings))
    drafts = draft_reminders([m for m, _ in to_draft], entities.senders, llm)
    drafts = [replace(d, draft_id=new_id) for d, (_, new_id) in zip(drafts, to_draft,
                                                                    strict=True)]
    with warehouse.writer(settings) as con:
        store.store_drafts(con, drafts, run_id)
        keep = {d.draft_id for d in drafts} | set(report.unchanged)
        report.expired = store.expire_older(
            con, keep, as_of, set(customer_ids) if customer_ids is not None else None, run_id)
        current = store.statuses(con)
    report.drafted = [d.draft_id for d in drafts]
    report.to_review = [d for d in [*report.unchanged, *report.drafted]
                        if current.get(d) == store.ACTIVE]
    return report


def review_items(settings: Settings, draft_ids: list[str], run_id: str | None) -> list:
    """The drafts still pending and not yet decided in this run, as review items (in order)."""
    with warehouse.writer(settings) as con:
        decided = store.decided_in_run(con, run_id) if run_id else set()
        drafts = [d for d in store.load(con, draft_ids)
                  if d.status == store.ACTIVE and d.draft_id not in decided]
        known = accounts(con, [d.customer_id for d in drafts])
    return [review_item(d, known.get(d.customer_id), settings) for d in drafts]


def record_and_enqueue(settings: Settings, decisions: list, run_id: str | None) -> list[str]:
    """Journal a page's decisions; approved drafts go to the outbox as `approved`."""
    with warehouse.writer(settings) as con:
        store.record_decisions(con, decisions, run_id)
        drafts = store.load(con, [d.item_id for d in decisions])
        return enqueue_approved(con, drafts, settings, run_id)


def recheck(settings: Settings):
    """For the outbox: what changed for each queued reminder since it was drafted."""
    def check(queued: list[Queued]) -> dict[str, list[str]]:
        with warehouse.writer(settings) as con:
            drafts = {d.draft_id: d for d in store.load(
                con, sorted({q.draft_id for q in queued if q.draft_id}))}
            latest = wh.ar_layer_as_of(con)
            customer_ids = sorted({d.customer_id for d in drafts.values()})
            now = {i.invoice_id: i for i in wh.read_open_items(con, latest, customer_ids)}
        return {q.email.message_id: what_changed(drafts[q.draft_id].facts, now)
                for q in queued if q.draft_id in drafts}
    return check


@dataclass
class Delivered:
    report: DeliveryReport
    returned: list[str]  # drafts sent back: their facts changed while they waited
    returned_customers: list[str]


def deliver_reminders(settings: Settings, run_id: str | None,
                      mailer: Mailer | None = None) -> Delivered:
    mailer = mailer or mailer_from_settings(settings)
    report = deliver(settings, mailer, run_id, recheck={"reminder": recheck(settings)})
    returned, customers = [], set()
    if report.withdrawn:
        with warehouse.writer(settings) as con:
            for q in outbox.queued(con, ("withdrawn",)):
                if q.email.message_id in report.withdrawn and q.draft_id:
                    reason = "; ".join(report.withdrawn[q.email.message_id])
                    journal.append(con, "draft_events", pd.DataFrame(
                        [store.event(q.draft_id, "returned", reason, run_id)]))
                    returned.append(q.draft_id)
                    customers.add(q.customer_id)
    return Delivered(report, returned, sorted(c for c in customers if c))


def read_bounces(settings: Settings, since: datetime, run_id: str | None,
                 mailer: Mailer | None = None) -> BounceReport:
    mailer = mailer or mailer_from_settings(settings)
    with warehouse.writer(settings) as con:
        ids = [r[0] for r in con.execute("select distinct customer_id from app.outbox_messages "
                                          "where customer_id is not null").fetchall()]
        owners = {cid: (a.account_owner, a.name) for cid, a in accounts(con, ids).items()
                  if a.account_owner}
    return read_back(settings, mailer, since, owners.get, run_id)
