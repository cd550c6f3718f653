"""The dunning policy's schema: the stage ladder, tone per stage and risk tier, and the rules
that decide who is not reminded. The YAML lives in `o2c/dunning/policy.yaml`."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Tone = Literal["friendly", "neutral", "firm", "final"]
Role = Literal["billing", "escalation", "account_owner", "csm", "collector"]
CONTACT_ROLES: frozenset[str] = frozenset({"billing", "escalation"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    """One rung: reached `offset_days` after the due date (negative: before it)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    offset_days: int
    tone: dict[str, Tone] = Field(description="tone per risk tier; `default` for the others")
    to: tuple[Role, ...] = ("billing",)
    cc: tuple[Role, ...] = ()

    @field_validator("tone")
    @classmethod
    def _has_default(cls, tone: dict[str, Tone]) -> dict[str, Tone]:
        if "default" not in tone:
            raise ValueError("needs a `default` tone for risk tiers not listed")
        return tone

    @property
    def pre_due(self) -> bool:
        return self.offset_days <= 0

    def tone_for(self, risk_tier: str) -> Tone:
        return self.tone.get(risk_tier, self.tone["default"])


class DunningPolicy(_Strict):
    version: int = 1
    day_count: Literal["business", "calendar"] = Field(
        "business", description="count stage offsets in the entity's business days or in days")
    stages: tuple[Stage, ...]
    risk_tiers: tuple[str, ...] = ("low", "medium", "high", "critical")
    default_risk_tier: str = "medium"
    pre_due_tiers: tuple[str, ...] = Field(("high", "critical"),
                                           description="tiers that get pre-due notes")
    due_soon_days: int = Field(5, ge=0, description="invoices due within this many days are "
                                                    "listed with the overdue ones")
    min_days_between_messages: int = Field(7, ge=0, description="calendar days")
    promise_grace_days: int = Field(2, ge=0, description="days after a promised date before an "
                                                         "open promise counts as broken")
    broken_promise_escalation: int = Field(1, ge=0, description="stages a broken promise adds")
    min_net_amount: dict[str, Decimal] = Field(default_factory=lambda: {"default": Decimal(1)})
    send_on_non_business_days: bool = False

    @model_validator(mode="after")
    def _ladder_is_ordered(self) -> DunningPolicy:
        if not self.stages:
            raise ValueError("stages: at least one stage is needed")
        offsets = [s.offset_days for s in self.stages]
        if offsets != sorted(set(offsets)):
            raise ValueError(f"stages: offsets must strictly increase, got {offsets}")
        names = [s.name for s in self.stages]
        if len(set(names)) != len(names):
            raise ValueError(f"stages: names must be unique, got {names}")
        if sum(s.pre_due for s in self.stages) > 1:
            raise ValueError("stages: at most one pre-due stage (offset_days <= 0)")
        unknown = {*self.pre_due_tiers, self.default_risk_tier} - set(self.risk_tiers)
        if unknown:
            raise ValueError(f"risk tiers {sorted(unknown)} are not in risk_tiers")
        return self

    def tier(self, risk_tier: str | None) -> str:
        return risk_tier if risk_tier in self.risk_tiers else self.default_risk_tier

    def minimum(self, currency: str) -> Decimal:
        return self.min_net_amount.get(currency, self.min_net_amount.get("default", Decimal(0)))

    def stage_index_for(self, age_days: int) -> int | None:
        """Highest stage whose offset the age has reached; None before the first."""
        reached = [i for i, s in enumerate(self.stages) if s.offset_days <= age_days]
        return reached[-1] if reached else None

    @property
    def first_overdue_index(self) -> int:
        return next((i for i, s in enumerate(self.stages) if not s.pre_due), len(self.stages) - 1)
