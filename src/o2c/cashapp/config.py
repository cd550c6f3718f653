"""Cash-application settings: a small object with defaults, read from `Settings` when the
`cashapp_*` fields exist there (O2C_CASHAPP_AUTO_POST, O2C_CASHAPP_PROPOSE,
O2C_CASHAPP_TRUTH_DIR, O2C_CASHAPP_POSTING_PREFIX), else the defaults below."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from o2c.domain.cashapp.policy import Policy


@dataclass(frozen=True)
class CashappConfig:
    auto_post: float = 0.90
    propose: float = 0.50
    truth_dir: Path | None = None  # generator ground truth: measure every run against it
    posting_prefix: str = "out/cashapp"  # landing-zone folder of the ERP posting files

    @classmethod
    def from_settings(cls, settings: object) -> CashappConfig:
        truth = getattr(settings, "cashapp_truth_dir", None)
        return cls(
            auto_post=float(getattr(settings, "cashapp_auto_post", cls.auto_post)),
            propose=float(getattr(settings, "cashapp_propose", cls.propose)),
            truth_dir=Path(truth) if truth else None,
            posting_prefix=str(getattr(settings, "cashapp_posting_prefix", cls.posting_prefix)),
        )

    def policy(self) -> Policy:
        return Policy(auto_post=self.auto_post, propose=self.propose)
