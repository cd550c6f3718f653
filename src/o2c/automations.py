"""Apply infra/automations.yaml to the Prefect API: each automation created, or updated in
place when one with its name exists (so applying twice changes nothing), every notification
sent through one block pointed at the team channel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml

from o2c.settings import PROJECT_ROOT, Settings

DEFINITIONS = PROJECT_ROOT / "infra" / "automations.yaml"
SLACK_WEBHOOK = "slack-webhook"


@dataclass(frozen=True)
class Definitions:
    notification_block: str  # "<block-type-slug>/<block-name>"
    automations: list[dict[str, Any]]


def load_definitions(path: Path = DEFINITIONS) -> Definitions:
    data = yaml.safe_load(Path(path).read_text())
    block = str(data.get("notification_block") or "")
    if block.count("/") != 1:
        raise ValueError(f"{path}: notification_block must read <block-type>/<block-name>, "
                         f"e.g. slack-webhook/o2c-team-channel (got {block!r})")
    return Definitions(block, list(data.get("automations") or []))


def notification_block_id(settings: Settings, block: str) -> UUID:
    """The team channel's block: written from O2C_ALERTS_SLACK_WEBHOOK_URL when that is set
    (a Slack webhook block), else one that already exists under that name."""
    from prefect.blocks.core import Block
    from prefect.blocks.notifications import SlackWebhook

    block_type, name = block.split("/")
    url = settings.alerts_slack_webhook_url
    if url is not None and block_type == SLACK_WEBHOOK:
        return SlackWebhook(url=url.get_secret_value()).save(name, overwrite=True, _sync=True)
    try:
        found = Block.load(block, _sync=True)
    except ValueError:
        raise LookupError(
            f"notification block {block!r} does not exist: set O2C_ALERTS_SLACK_WEBHOOK_URL to "
            "the team channel's Slack incoming webhook, or create the block in the Prefect UI "
            "(Blocks) under that name") from None
    assert found._block_document_id is not None
    return found._block_document_id


def with_block(definition: dict[str, Any], block_id: UUID) -> dict[str, Any]:
    actions = [{**a, "block_document_id": str(block_id)}
               if a.get("type") == "send-notification" and "block_document_id" not in a else a
               for a in definition.get("actions", [])]
    return {**definition, "actions": actions}


def apply(settings: Settings, path: Path = DEFINITIONS) -> list[str]:
    """Create or update every automation of `path`; one line per automation."""
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    definitions = load_definitions(path)
    block = settings.alerts_block or definitions.notification_block
    if block.count("/") != 1:
        raise ValueError(f"O2C_ALERTS_BLOCK must read <block-type>/<block-name>, e.g. "
                         f"custom-webhook/ops-pager (got {block!r})")
    block_id = notification_block_id(settings, block)
    report = []
    with get_client(sync_client=True) as client:
        for definition in definitions.automations:
            automation = AutomationCore.model_validate(with_block(definition, block_id))
            existing = client.read_automations_by_name(automation.name)
            if not existing:
                client.create_automation(automation)
                report.append(f"created  {automation.name}")
                continue
            keep, *duplicates = existing
            client.update_automation(keep.id, automation)
            for extra in duplicates:  # one automation per name: the file is the truth
                client.delete_automation(extra.id)
            report.append(f"updated  {automation.name}")
    return report
