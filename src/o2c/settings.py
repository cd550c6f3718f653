"""All configuration, from `O2C_*` environment variables (and `.env`): the only code that reads
the environment. Every field has a default that runs the embedded demo with no account anywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="O2C_", env_file=".env", extra="ignore")

    home: Path = Field(Path(".o2c"), description="Local state: warehouse, landing, server pids")
    landing_url: str = Field("", description="Landing zone: a folder or s3://bucket/prefix")
    duckdb_path: Path | None = Field(None, description="The DuckDB warehouse file")
    s3_endpoint_url: str | None = Field(None, description="S3-compatible endpoint (MinIO, moto)")
    aws_region: str = Field("us-east-1", description="Region for the landing bucket")
    time_zone: str = Field("UTC", description="Company time zone; `as_of` defaults to its today")
    dbt_project_dir: Path = Field(PROJECT_ROOT / "dbt_project", description="The dbt project")
    warehouse_limit: str = Field("warehouse", description="Prefect global concurrency limit")
    prefect_port: int = Field(4200, description="Port of the local Prefect server")
    work_pool: str = Field("o2c-process", description="Process work pool the local worker serves")
    openai_api_key: SecretStr | None = Field(None, description="LLM drafting; unset: templates")
    llm_base_url: str | None = Field(None, description="Any OpenAI-compatible server")
    llm_model: str = Field("gpt-4o-mini", description="Chat model used for reminder prose")
    llm_concurrency: int = Field(4, description="LLM requests in flight at once")
    dunning_policy_path: Path | None = Field(None, description="YAML dunning policy override")
    sendgrid_api_key: SecretStr | None = Field(None, description="Unset: .eml file outbox")
    sendgrid_host: str | None = Field(None, description="SendGrid API base URL (tests: local)")
    sendgrid_sandbox: bool = Field(False, description="SendGrid sandbox mode: checked, not sent")
    mail_from: str = Field("ar@o2c.example", description="From address of reminders")
    mail_bcc_stages: str = Field(
        "reminder_3,final_notice",
        description="Stages that BCC the account owner and CSM (comma separated)")
    approvers: str = Field("", description="Names allowed to approve drafts, comma separated")
    approval_timeout_hours: float = Field(72, description="A review page waits this long")
    approval_page_size: int = Field(15, description="Drafts per approval page")
    slack_webhook_url: SecretStr | None = Field(
        None, description="Slack incoming webhook for AR notifications (one channel)")
    slack_bot_token: SecretStr | None = Field(
        None, description="Slack bot token: direct messages to each recipient (wins over webhook)")
    slack_base_url: str | None = Field(None, description="Slack Web API base URL (tests: local)")
    notify_team_address: str = Field(
        "ar-team@o2c.example", description="Gets the events of customers with nobody assigned")
    notify_roles: str = Field(
        "account_owner,csm,collector", description="Customer roles told about AR events")
    notify_realtime_severities: str = Field(
        "high", description="Severities sent at once; the rest go to the daily digest")
    notify_preferences: str = Field(
        "", description='Per-recipient overrides, JSON: {"a@x.com": {"realtime": ["high", '
                        '"medium"], "realtime_channel": "email", "digest_channel": "email"}}')
    notify_go_live: date | None = Field(
        None, description="Events before this date are never announced (unset: as_of minus "
                          "notify_lookback_days)")
    notify_lookback_days: int = Field(7, description="Without a go-live date: days looked back")
    notify_link_base: str = Field(
        "http://localhost:4200/o2c", description="Base URL of customer and invoice links")
    notify_stale_minutes: float = Field(
        15, description="A delivery still `sending` after this long becomes `unknown`")

    def model_post_init(self, _context: object) -> None:
        self.home = self.home.resolve()
        if not self.landing_url:
            self.landing_url = str(self.home / "landing")
        if self.duckdb_path is None:
            self.duckdb_path = self.home / "warehouse.duckdb"
        self.duckdb_path = Path(self.duckdb_path).resolve()

    @property
    def warehouse_path(self) -> Path:
        assert self.duckdb_path is not None
        return self.duckdb_path

    @property
    def read_copy_path(self) -> Path:
        """A copy published after each write, for readers that must never block the writer."""
        return self.warehouse_path.with_name(self.warehouse_path.stem + ".read.duckdb")

    @property
    def approver_names(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in self.approvers.split(",") if n.strip())

    @property
    def bcc_stages(self) -> frozenset[str]:
        return frozenset(s.strip() for s in self.mail_bcc_stages.split(",") if s.strip())

    @property
    def outbox_dir(self) -> Path:
        """Where the file outbox writes .eml messages when no SendGrid key is set."""
        return self.home / "outbox"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.time_zone)).date()
