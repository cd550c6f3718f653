"""All configuration, from `O2C_*` environment variables (and `.env`): the only code that reads
the environment. Every field has a default that runs the embedded demo with no account anywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="O2C_", env_file=".env", extra="ignore")

    home: Path = Field(Path(".o2c"), description="Local state: warehouse, landing, server pids")
    landing_url: str = Field("", description="Landing zone: a folder or s3://bucket/prefix")
    duckdb_path: Path | None = Field(None, description="The DuckDB warehouse file")
    duckdb_memory_limit: str = Field(
        "", pattern=r"^(\d+(\.\d+)?\s*([KMGT]i?B)?)?$",
        description="DuckDB memory limit for o2c's connections, e.g. 4GB (more spills to disk); "
                    "empty: DuckDB's default, 80% of the RAM")
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
    # CRM sync: AR fields on each customer's CRM account (dim_customers.crm_id)
    crm_system: Literal["none", "salesforce", "hubspot"] = Field(
        "none", description="CRM to push AR fields to; none: no CRM sync")
    crm_base_url: str | None = Field(
        None, description="Salesforce instance URL, or the HubSpot API base URL (tests: local)")
    crm_ca_bundle: Path | None = Field(
        None, description="CA bundle to trust for the CRM's TLS certificate (private CA, tests)")
    crm_salesforce_session_id: SecretStr | None = Field(
        None, description="Salesforce access token (with O2C_CRM_BASE_URL)")
    crm_salesforce_username: str | None = Field(None, description="Salesforce API user")
    crm_salesforce_password: SecretStr | None = Field(None, description="Its password")
    crm_salesforce_security_token: SecretStr | None = Field(
        None, description="Its security token")
    crm_salesforce_domain: str = Field(
        "login", description="Salesforce login domain: login, test (sandbox) or a My Domain")
    crm_salesforce_api_version: str = Field("59.0", description="Salesforce REST API version")
    crm_hubspot_access_token: SecretStr | None = Field(
        None, description="HubSpot private app token (crm.objects.companies.write)")
    crm_field_map_path: Path | None = Field(
        None, description="YAML field map override (default: src/o2c/crm/fields.yaml)")
    crm_batch_size: int | None = Field(
        None, ge=1, description="Records per batch call (default and cap: the API's maximum, "
                                "200 Salesforce, 100 HubSpot)")

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

    # Operations: deployment, credentials from Prefect blocks, alerts (infra/README.md).
    deploy_project_dir: Path | None = Field(
        None, description="Where the project lives on the workers (unset: this checkout)")
    aws_credentials_block: str | None = Field(
        None, description="prefect-aws AwsCredentials block for the landing bucket "
                          "(unset: the boto3 credential chain)")
    alerts_slack_webhook_url: SecretStr | None = Field(
        None, description="Team channel for operational alerts (Prefect automations)")
    alerts_block: str | None = Field(
        None, description="Notification block the alerts go through, <block-type>/<name> "
                          "(unset: the one infra/automations.yaml names)")
    quarantine_spike_rows: int = Field(
        100, description="Quarantined rows in one ERP load that raise an alert")
    quarantine_spike_share: float = Field(
        0.05, description="Share of an ERP load's rows quarantined that raises an alert")

    @model_validator(mode="after")
    def _secrets_from_blocks_on_use(self) -> Settings:
        from o2c.secrets import defer_block_references  # `block:` values resolve on first use

        defer_block_references(self)
        return self

    # Shared warehouse past one machine (infra/README.md, "Scale plan"): raw.* and app.* on
    # PostgreSQL so several workers can write at once; DuckDB stays the default.
    warehouse_backend: Literal["duckdb", "postgres"] = Field(
        "duckdb", description="Where raw.* and app.* live: the DuckDB file or PostgreSQL")
    postgres_dsn: SecretStr | None = Field(
        None, description="libpq connection string of the PostgreSQL warehouse "
                          "(with O2C_WAREHOUSE_BACKEND=postgres)")
    postgres_dbt_schema: str = Field(
        "main", description="PostgreSQL schema the dbt models build into")
