"""The template drafter: a complete, checked reminder for every stage in every language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from drafting_builders import AS_OF, SENDER, make_plan, open_item

from o2c.drafting.drafter import draft_id, draft_reminder, draft_reminders
from o2c.drafting.facts import render_facts
from o2c.drafting.guardrails import Allowed, check_text
from o2c.drafting.template import draft_from_template
from o2c.drafting.texts import VARIANTS, languages, texts_for

STAGE_DAYS = {"courtesy": -3, "reminder_1": 2, "reminder_2": 20, "reminder_3": 40,
              "final_notice": 70}


def test_every_language_has_every_text():
    assert {"en", "de", "fr", "nl"} <= set(languages())
    english = texts_for("en")
    for code in languages():
        texts = texts_for(code)
        assert set(texts.variants) == set(VARIANTS)
        assert all(set(v) == {"subject", "opening", "closing"} for v in texts.variants.values())
        assert set(texts.facts) == set(english.facts)


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "ja_JP"])
@pytest.mark.parametrize("stage", list(STAGE_DAYS))
def test_template_draft_for_each_stage_and_language_passes_the_guardrails(stage, locale):
    plan = make_plan(locale=locale, items=[open_item("RE2026-000101", STAGE_DAYS[stage],
                                                     "1234.50", po_number="PO-4711")])
    assert plan.stage == stage
    facts = render_facts(plan, SENDER)
    subject, body = draft_from_template(plan, facts, SENDER)
    assert "Müller Maschinenbau GmbH" in subject and "Anna Schmidt" in body
    assert facts.block in body and "{" not in subject + body
    assert check_text(f"{subject}\n{body}", Allowed.for_plan(plan, SENDER)) == []


def test_subjects_get_firmer_up_the_ladder():
    subjects = [draft_from_template(p, render_facts(p, SENDER), SENDER)[0] for p in (
        make_plan(locale="en_US", items=[open_item("RE2026-000101", d, "10")])
        for d in STAGE_DAYS.values())]
    name = " – Müller Maschinenbau GmbH"
    assert subjects == [s + name for s in (
        "Invoices falling due soon", "Overdue invoices", "Overdue invoices – action required",
        "Overdue invoices – action required", "Final notice")]  # high risk: tones run firmer


def test_broken_promise_is_stated_with_its_date():
    promised = AS_OF - timedelta(days=6)
    plan = make_plan(locale="en_GB", items=[open_item("RE2026-000101", 10, "50",
                                                      promise_status="broken",
                                                      promised_date=promised)])
    _, body = draft_from_template(plan, render_facts(plan, SENDER), SENDER)
    assert "payment would be made by 10 Mar 2026; we have not received it yet" in body
    assert check_text(body, Allowed.for_plan(plan, SENDER)) == []


def test_no_contact_name_gets_the_formal_greeting():
    plan = make_plan(locale="de_DE", contact=None)
    _, body = draft_from_template(plan, render_facts(plan, SENDER), SENDER)
    assert body.startswith("Sehr geehrte Damen und Herren,")


def test_without_an_llm_the_template_writes_the_draft_and_says_why():
    plan = make_plan()
    draft = draft_reminder(plan, SENDER)
    assert draft.drafter == "template" and draft.checks_passed
    assert draft.detail == '{"fallback": "no LLM configured"}'
    assert (draft.model, draft.response_id, draft.prompt_hash) == (None, None, None)
    assert draft.draft_id == draft_id(plan) == draft_reminder(plan, SENDER).draft_id
    row = draft.journal_row(run_id="r1")
    assert row["status"] == "pending" and row["stage"] == plan.stage and row["run_id"] == "r1"


def test_draft_id_depends_on_customer_currency_stage_and_day():
    a = make_plan()
    b = make_plan(items=[open_item("RE2026-000101", 70, "10")])
    c = make_plan(currency="USD")
    assert len({draft_id(a), draft_id(b), draft_id(c)}) == 3


def test_drafting_needs_a_sender_per_entity():
    with pytest.raises(ValueError, match=r"no sender for entities \['DE01'\]"):
        draft_reminders([make_plan()], {})
