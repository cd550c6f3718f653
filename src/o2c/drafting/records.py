"""What drafting needs besides the plan (who sends), and what it returns (the draft record)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class Sender:
    """The invoicing entity as it signs reminders; everything here may appear in a draft."""

    company: str
    email: str
    phone: str | None = None
    payment_url: str | None = None
    bank_accounts: Mapping[str, str] = field(default_factory=dict)  # currency -> "IBAN … BIC …"
    allowed_phrases: tuple[str, ...] = ()  # wording the guardrails accept (e.g. agreed terms)


@dataclass(frozen=True)
class Draft:
    """One reminder draft: everything a row of `app.drafts` holds, plus its recipients."""

    draft_id: str
    as_of: date
    customer_id: str
    entity_id: str
    currency: str
    stage: str
    subject: str
    body: str
    facts: str  # JSON: the invoices, totals and recipients the draft was written from
    drafter: Literal["llm", "template"]
    prompt_version: str | None
    model: str | None
    response_id: str | None
    prompt_hash: str | None
    detail: str | None  # JSON: why LLM attempts were rejected or not made
    to: tuple[str, ...]
    cc: tuple[str, ...]
    checks_passed: bool

    def journal_row(self, status: str = "pending", run_id: str | None = None) -> dict[str, object]:
        """The `app.drafts` columns."""
        return {
            "draft_id": self.draft_id, "as_of": self.as_of, "customer_id": self.customer_id,
            "currency": self.currency, "stage": self.stage, "status": status,
            "subject": self.subject, "body": self.body, "facts": self.facts,
            "drafter": self.drafter, "prompt_version": self.prompt_version, "model": self.model,
            "response_id": self.response_id, "prompt_hash": self.prompt_hash,
            "detail": self.detail, "run_id": run_id,
        }
