"""The deterministic drafter: fixed wording per stage, tone and language around the facts block.
It writes every draft when no LLM is configured, and any draft the LLM could not get right."""

from __future__ import annotations

from dataclasses import dataclass

from o2c.domain.dunning_records import MessagePlan
from o2c.drafting.facts import Facts, day
from o2c.drafting.records import Sender
from o2c.drafting.texts import Texts, texts_for, variant_of

TEMPLATE_VERSION = "template/v1"
PLACEHOLDERS = ("{customer}", "{contact}", "{promised}", "{company}")


@dataclass(frozen=True)
class Prose:
    """The parts of a reminder a drafter writes; `{customer}`-style placeholders allowed."""

    subject: str
    greeting: str
    opening: str
    closing: str


def contact_name(plan: MessagePlan) -> str | None:
    return next((r.name for r in plan.to if r.name), None)


def promised_date(plan: MessagePlan) -> str | None:
    dates = [i.broken_promise_date for i in plan.items if i.broken_promise_date]
    return day(min(dates), plan.locale) if dates else None


def fill(text: str, plan: MessagePlan, sender: Sender) -> str:
    """Put the real names and dates in for the placeholders, and nothing else."""
    values = {"{customer}": plan.customer_name, "{contact}": contact_name(plan) or "",
              "{promised}": promised_date(plan) or "", "{company}": sender.company}
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, values[placeholder])
    return text


def template_prose(plan: MessagePlan, texts: Texts | None = None) -> Prose:
    texts = texts or texts_for(plan.locale)
    variant = texts.variants[variant_of(plan.tone, plan.pre_due)]
    greeting = texts.greeting_named if contact_name(plan) else texts.greeting_anonymous
    opening = variant["opening"]
    if plan.broken_promise and promised_date(plan):
        opening = f"{opening} {texts.broken_promise}"
    return Prose(subject=variant["subject"], greeting=greeting, opening=opening,
                 closing=variant["closing"])


def assemble(prose: Prose, facts: Facts, plan: MessagePlan, sender: Sender) -> tuple[str, str]:
    """Subject and body: the prose with names filled in, the facts block, the signature."""
    texts = texts_for(plan.locale)
    signature = [texts.sign_off, f"{texts.team} · {sender.company}", sender.email]
    signature += [s for s in (sender.phone, sender.payment_url) if s]
    written = [fill(p.strip(), plan, sender) for p in (prose.greeting, prose.opening)]
    body = "\n\n".join([*written, facts.block, fill(prose.closing.strip(), plan, sender),
                        "\n".join(signature)])
    subject = " ".join(fill(prose.subject, plan, sender).split())
    return subject, body + "\n"


def draft_from_template(plan: MessagePlan, facts: Facts, sender: Sender) -> tuple[str, str]:
    return assemble(template_prose(plan), facts, plan, sender)
