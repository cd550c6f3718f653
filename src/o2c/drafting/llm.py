"""The LLM drafter: asks the model for the prose only (subject, greeting, opening, closing) as
structured output, from the versioned prompt, fed the least it needs about one message.

Customer-typed text (names, PO numbers) reaches the model only as JSON inside the
`<customer_data>` block, with `<` and `>` escaped so it cannot close the block; by default the
names are replaced by `{customer}` / `{contact}` placeholders that code fills in afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from o2c.adapters.llm import ChatModel, LLMConfig, OpenAIChat
from o2c.domain.dunning_records import MessagePlan
from o2c.drafting.facts import money
from o2c.drafting.prompts import PromptTemplate, prompt_hash
from o2c.drafting.records import Sender
from o2c.drafting.template import Prose, contact_name, promised_date
from o2c.drafting.texts import texts_for

SCHEMA_NAME = "reminder_prose"
SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "subject": {"type": "string"},
        "greeting": {"type": "string"},
        "opening": {"type": "string"},
        "closing": {"type": "string"},
        "referenced_invoices": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["subject", "greeting", "opening", "closing", "referenced_invoices"],
    "additionalProperties": False,
}
TONE_GUIDE = {
    "friendly": "warm and helpful; assume it slipped through; no pressure.",
    "neutral": "matter-of-fact and polite; it is overdue and we expect payment.",
    "firm": "direct and serious; ask for payment now or a reason; stay courteous.",
    "final": "formal; this is the last notice; the matter will go further under our terms.",
}


class _ProseOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str
    greeting: str
    opening: str
    closing: str
    referenced_invoices: list[str]


@dataclass(frozen=True)
class Attempt:
    """One request to the model and what came back: prose, or why it was unusable."""

    prompt_version: str
    prompt_hash: str
    model: str
    response_id: str | None
    prose: Prose | None
    problems: tuple[str, ...]  # unusable structured output (not JSON, unknown invoices, ...)


class LLMDrafter:
    def __init__(self, chat: ChatModel, config: LLMConfig,
                 prompt: PromptTemplate | None = None) -> None:
        self.chat, self.config = chat, config
        self.prompt = prompt or PromptTemplate("reminder/v1")

    @classmethod
    def from_config(cls, config: LLMConfig) -> LLMDrafter | None:
        """A drafter on the OpenAI SDK, or None without an API key (templates write drafts)."""
        return cls(OpenAIChat(config), config) if config.enabled else None

    def messages(self, plan: MessagePlan, sender: Sender,
                 feedback: list[str] | None = None) -> list[dict[str, str]]:
        variables = prompt_variables(plan, sender, self.config.pseudonymise_names)
        messages = [{"role": "system", "content": self.prompt.render("system", **variables)},
                    {"role": "user", "content": self.prompt.render("user", **variables)}]
        if feedback:
            redraft = self.prompt.render("redraft", reasons_json=_quoted(feedback))
            messages.append({"role": "user", "content": redraft})
        return messages

    def attempt(self, plan: MessagePlan, sender: Sender,
                feedback: list[str] | None = None) -> Attempt:
        """One request; raises LLMUnavailable when the model gives no answer after retries."""
        messages = self.messages(plan, sender, feedback)
        done = self.chat.complete(messages, SCHEMA, SCHEMA_NAME)
        prose, problems = _parse(done.content, done.refusal, plan)
        return Attempt(prompt_version=self.prompt.version, prompt_hash=prompt_hash(messages),
                       model=done.model, response_id=done.response_id, prose=prose,
                       problems=tuple(problems))


def prompt_variables(plan: MessagePlan, sender: Sender, pseudonymise: bool) -> dict[str, object]:
    texts = texts_for(plan.locale)
    overdue = [i for i in plan.items if i.state == "overdue"]
    data = {
        "customer": "{customer}" if pseudonymise else plan.customer_name,
        "contact": ("{contact}" if pseudonymise else contact_name(plan))
        if contact_name(plan) else None,
        "currency": plan.currency,
        "net_due": money(plan.totals.net_due, plan.currency, plan.locale),
        "invoice_count": len(plan.items),
        "overdue_count": len(overdue),
        "oldest_days_overdue": max((i.days_overdue for i in overdue), default=0),
        "promised_date": promised_date(plan) if plan.broken_promise else None,
        "invoices": [{"invoice": i.invoice_id, "po_number": i.po_number,
                      "days_overdue": i.days_overdue} for i in plan.items],
    }
    return {
        "company": sender.company, "language_name": texts.language, "locale": plan.locale,
        "tone": plan.tone, "tone_guide": TONE_GUIDE, "stage": plan.stage,
        "stage_number": plan.stage_index + 1,
        "pre_due": plan.pre_due, "broken_promise": plan.broken_promise,
        "data_json": _quoted(data),
    }


def _quoted(data: object) -> str:
    """JSON that cannot end the data block: every `<`, `>` and `&` is a \\u escape."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _parse(content: str | None, refusal: str | None,
           plan: MessagePlan) -> tuple[Prose | None, list[str]]:
    if refusal:
        return None, [f"the model refused: {refusal[:200]!r}"]
    try:
        out = _ProseOut.model_validate_json(content or "")
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"])) or "(top)"
        return None, [f"response is not the requested JSON: {where}: {first['msg']}"]
    unknown = sorted(set(out.referenced_invoices) - {i.invoice_id for i in plan.items})
    problems = [f"referenced invoice not in the message: {u!r}" for u in unknown]
    return Prose(out.subject, out.greeting, out.opening, out.closing), problems
