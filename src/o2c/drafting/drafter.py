"""Drafting one reminder: LLM draft -> guardrails -> one redraft naming what was wrong ->
the template drafter. Every rejected attempt is kept in `detail` with its response id."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor

from o2c.adapters.llm import LLMUnavailable
from o2c.domain.dunning_records import MessagePlan
from o2c.domain.ids import stable_id
from o2c.drafting.facts import Facts, render_facts
from o2c.drafting.guardrails import Allowed, check_text
from o2c.drafting.llm import Attempt, LLMDrafter
from o2c.drafting.records import Draft, Sender
from o2c.drafting.template import assemble, draft_from_template

MAX_LLM_ATTEMPTS = 2  # a draft and one redraft


def draft_id(plan: MessagePlan) -> str:
    """Same customer, currency, stage and day: same id, so a re-run stores nothing new."""
    return stable_id("DRF", plan.customer_id, plan.currency, plan.stage, plan.as_of)


def draft_reminders(plans: Iterable[MessagePlan], senders: Mapping[str, Sender],
                    llm: LLMDrafter | None = None) -> list[Draft]:
    """A draft per plan, in the plans' order; LLM requests run `llm.config.concurrency` at once.

    `senders` maps each entity_id to how it signs.
    """
    plans = list(plans)
    missing = sorted({p.entity_id for p in plans} - set(senders))
    if missing:
        raise ValueError(f"no sender for entities {missing}: give each entity's company name "
                         "and reply-to address")
    if llm is None or len(plans) < 2:
        return [draft_reminder(p, senders[p.entity_id], llm) for p in plans]
    with ThreadPoolExecutor(max_workers=max(llm.config.concurrency, 1)) as pool:
        return list(pool.map(lambda p: draft_reminder(p, senders[p.entity_id], llm), plans))


def draft_reminder(plan: MessagePlan, sender: Sender, llm: LLMDrafter | None = None) -> Draft:
    facts = render_facts(plan, sender)
    allowed = Allowed.for_plan(plan, sender)
    if llm is None:
        return _template(plan, sender, facts, allowed, None, {"fallback": "no LLM configured"})
    attempts: list[dict[str, object]] = []
    last: Attempt | None = None
    feedback: list[str] | None = None
    for number in range(1, MAX_LLM_ATTEMPTS + 1):
        try:
            last = llm.attempt(plan, sender, feedback)
        except LLMUnavailable as err:
            attempts.append({"attempt": number, "error": str(err)})
            return _template(plan, sender, facts, allowed, last,
                             {"fallback": "LLM unavailable", "attempts": attempts})
        reasons = list(last.problems)
        if last.prose is not None:
            subject, body = assemble(last.prose, facts, plan, sender)
            reasons += check_text(f"{subject}\n{body}", allowed)
            if not reasons:
                detail = {"attempts": attempts} if attempts else None
                return _draft(plan, facts, subject, body, "llm", last, detail, True)
        attempts.append({"attempt": number, "response_id": last.response_id,
                         "model": last.model, "prompt_version": last.prompt_version,
                         "prompt_hash": last.prompt_hash, "rejected": reasons})
        feedback = reasons
    return _template(plan, sender, facts, allowed, last,
                     {"fallback": f"guardrails rejected {len(attempts)} LLM drafts",
                      "attempts": attempts})


def _template(plan: MessagePlan, sender: Sender, facts: Facts, allowed: Allowed,
              last: Attempt | None, detail: dict[str, object]) -> Draft:
    subject, body = draft_from_template(plan, facts, sender)
    problems = check_text(f"{subject}\n{body}", allowed)
    if problems:
        detail = {**detail, "template_check": problems}
    return _draft(plan, facts, subject, body, "template", last, detail, not problems)


def _draft(plan: MessagePlan, facts: Facts, subject: str, body: str, drafter: str,
           attempt: Attempt | None, detail: dict[str, object] | None, passed: bool) -> Draft:
    return Draft(
        draft_id=draft_id(plan), as_of=plan.as_of, customer_id=plan.customer_id,
        entity_id=plan.entity_id, currency=plan.currency, stage=plan.stage, subject=subject,
        body=body, facts=facts.json(), drafter=drafter,  # type: ignore[arg-type]
        prompt_version=attempt.prompt_version if attempt else None,
        model=attempt.model if attempt else None,
        response_id=attempt.response_id if attempt else None,
        prompt_hash=attempt.prompt_hash if attempt else None,
        detail=json.dumps(detail, ensure_ascii=False) if detail else None,
        to=tuple(r.email for r in plan.to), cc=tuple(r.email for r in plan.cc),
        checks_passed=passed)
