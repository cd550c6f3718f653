"""Against a real local Prefect server: `o2c automations apply` creates the alerts once and
updates them in place when applied again, sending to a Slack webhook block it writes from
O2C_ALERTS_SLACK_WEBHOOK_URL (never printed); the Kubernetes base job template makes a work
pool; `o2c deploy` registers every flow with schedules and triggers off, `--activate` turns
them on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from prefect_server import running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK = "https://hooks.slack.com/services/T0AR/B0ALERTS/teamchannelsecret"


@pytest.fixture(scope="module")
def prefect(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("prefect")) as server:
        yield server


def o2c(prefect, *args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("O2C_", "PREFECT_"))}
    env.update(prefect.env(), O2C_HOME=str(prefect.home), **env_overrides)
    return subprocess.run([sys.executable, "-m", "o2c.cli", *args], env=env, text=True,
                          capture_output=True, timeout=900, check=False)


def automations(prefect) -> dict[str, object]:
    from prefect.client.orchestration import get_client

    with prefect.client_settings(), get_client(sync_client=True) as client:
        return {a.name: a for a in client.read_automations()}


def test_apply_needs_a_team_channel(prefect):
    done = o2c(prefect, "automations", "apply")
    assert done.returncode != 0
    assert "notification block 'slack-webhook/o2c-team-channel' does not exist" in done.stderr


def test_apply_creates_then_updates_in_place(prefect):
    first = o2c(prefect, "automations", "apply", O2C_ALERTS_SLACK_WEBHOOK_URL=WEBHOOK)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count("created") == 3
    before = automations(prefect)
    again = o2c(prefect, "automations", "apply", O2C_ALERTS_SLACK_WEBHOOK_URL=WEBHOOK)
    assert again.returncode == 0 and again.stdout.count("updated") == 3
    after = automations(prefect)
    assert set(after) == {"o2c flow run failed", "o2c ERP quarantine spike",
                          "o2c approval waiting"}
    assert {n: a.id for n, a in after.items()} == {n: a.id for n, a in before.items()}
    for text in (first.stdout, first.stderr, again.stdout, again.stderr):
        assert "teamchannelsecret" not in text

    from prefect.blocks.notifications import SlackWebhook

    with prefect.client_settings():
        block = SlackWebhook.load("o2c-team-channel", _sync=True)
    assert block.url.get_secret_value() == WEBHOOK
    [action] = after["o2c approval waiting"].actions
    assert action.block_document_id == block._block_document_id


def test_kubernetes_base_job_template_makes_a_work_pool(prefect):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    template = json.loads((ROOT / "infra" / "k8s" / "base-job-template.json").read_text())
    with prefect.client_settings(), get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="o2c-kubernetes", type="kubernetes",
                                               base_job_template=template))
        pool = client.read_work_pool("o2c-kubernetes")
    assert pool.type == "kubernetes"
    assert pool.base_job_template["variables"]["properties"]["image"]["default"] == \
        template["variables"]["properties"]["image"]["default"]


def test_deploy_registers_every_flow_switched_off_and_activate_switches_on(prefect):
    from prefect.client.orchestration import get_client

    from o2c.deploy import activate_schedules_and_triggers

    done = o2c(prefect, "deploy", O2C_TIME_ZONE="Europe/Berlin")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "schedules and triggers off" in done.stdout
    declared = {d["name"] for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())
                ["deployments"]}
    with prefect.client_settings(), get_client(sync_client=True) as client:
        deployments = {d.name: d for d in client.read_deployments()}
        assert set(deployments) == declared
        schedules = [s for d in deployments.values() for s in d.schedules]
        assert schedules and not any(s.active for s in schedules)
        assert {s.schedule.timezone for s in schedules} == {"Europe/Berlin"}
        triggers = [a for a in client.read_automations()
                    if a.actions[0].type == "run-deployment"]
        assert len(triggers) == 1 and not any(a.enabled for a in triggers)

        report = activate_schedules_and_triggers()
        assert len(report) == len(declared)
        schedules = [s for d in client.read_deployments() for s in d.schedules]
        assert all(s.active for s in schedules)
        assert all(a.enabled for a in client.read_automations()
                   if a.actions[0].type == "run-deployment")
