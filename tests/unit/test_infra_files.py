"""What can be checked of the production files without a cluster, a registry or AWS: they
parse, they agree with the code (flows, landing-zone calls, events), and Prefect accepts them."""

from __future__ import annotations

import ast
import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
PREFECT_YAML = yaml.safe_load((ROOT / "prefect.yaml").read_text())
DEPLOYMENTS = {d["name"]: d for d in PREFECT_YAML["deployments"]}
POLICY = json.loads((INFRA / "iam" / "landing-bucket-policy.json").read_text())
TEMPLATE = json.loads((INFRA / "k8s" / "base-job-template.json").read_text())


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in [
    *INFRA.rglob("*.yaml"), *INFRA.rglob("*.json"), ROOT / "prefect.yaml"]))
def test_every_infra_file_parses(path):
    text = (ROOT / path).read_text()
    docs = [json.loads(text)] if path.endswith(".json") else list(yaml.safe_load_all(text))
    assert docs and all(d is not None for d in docs)


# prefect.yaml ----------------------------------------------------------------------------

def _flow_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and any("flow" in ast.unparse(d) for d in node.decorator_list)}


def test_every_operational_flow_has_a_deployment_whose_entrypoint_exists():
    expected = {"pipeline", "bank-intraday", "reconcile", "review-cash", "score-credit",
                "draft-reminders", "review-reminders", "deliver-reminders", "notify"}
    assert set(DEPLOYMENTS) == expected
    for deployment in DEPLOYMENTS.values():
        file, function = deployment["entrypoint"].split(":")
        assert function in _flow_functions(ROOT / file), deployment["entrypoint"]
        assert deployment["work_pool"]["name"] == "{{ $O2C_WORK_POOL }}"
        assert "o2c" in deployment["tags"]  # `o2c deploy --activate` and alerts find them


def test_schedules_run_in_the_company_time_zone_and_are_registered_off():
    from prefect.client.schemas.schedules import CronSchedule

    schedules = [s for d in DEPLOYMENTS.values() for s in d.get("schedules", [])]
    assert len(schedules) >= 5
    for schedule in schedules:
        assert schedule["timezone"] == "{{ $O2C_TIME_ZONE }}"
        assert schedule["active"] is False
        CronSchedule(cron=schedule["cron"], timezone="Europe/Berlin")  # valid cron
    assert DEPLOYMENTS["draft-reminders"]["schedules"][0]["cron"] == "0 9 * * 1-5"
    assert DEPLOYMENTS["score-credit"]["schedules"][0]["cron"].endswith("* * 1")


def test_follow_up_runs_are_triggers_registered_off():
    from prefect.cli.deploy._triggers import _initialize_deployment_triggers

    followers = {"notify": {"pipeline", "bank-intraday", "score-credit"}}
    for name, after in followers.items():
        [trigger] = _initialize_deployment_triggers(name, DEPLOYMENTS[name]["triggers"])
        assert trigger.enabled is False
        assert trigger.expect == {"prefect.flow-run.Completed"}
        related = trigger.match_related.model_dump()
        assert set(related["prefect.resource.name"]) == after <= set(DEPLOYMENTS)


# IAM policy for the landing bucket -------------------------------------------------------

BOTO3_TO_IAM = {"list_objects_v2": "s3:ListBucket", "get_object": "s3:GetObject",
                "put_object": "s3:PutObject"}
BUCKET, PREFIX = "acme-ar-landing", "o2c"


def _allowed(action: str, key: str | None = None, list_prefix: str | None = None) -> bool:
    """A small IAM evaluator for this policy's shape: Allow statements, StringLike only."""
    for statement in POLICY["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) \
            else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) \
            else [statement["Resource"]]
        if statement["Effect"] != "Allow" or action not in actions:
            continue
        arn = f"arn:aws:s3:::{BUCKET}" + (f"/{key}" if key is not None else "")
        if not any(fnmatchcase(arn, r) for r in resources):
            continue
        prefixes = statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix")
        if prefixes is None or (list_prefix is not None
                                and any(fnmatchcase(list_prefix, p) for p in prefixes)):
            return True
    return False


def test_policy_grants_exactly_the_s3_calls_the_landing_adapter_makes():
    source = (ROOT / "src" / "o2c" / "adapters" / "landing.py").read_text()
    calls = set(re.findall(r"client\.(?:get_paginator\(\")?(\w+)", source))
    used = {BOTO3_TO_IAM[c] for c in calls if c in BOTO3_TO_IAM}
    granted = {a for s in POLICY["Statement"] for a in
               (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert used == granted == {"s3:ListBucket", "s3:GetObject", "s3:PutObject"}
    assert all(s["Effect"] == "Allow" and "*" not in str(s["Action"]) for s in POLICY["Statement"])


def test_policy_allows_the_pipelines_keys_and_nothing_else():
    from o2c.cashapp.config import CashappConfig

    posting = f"{PREFIX}/{CashappConfig.posting_prefix}/cash_applications_2026-03-02_ab12.csv"
    assert _allowed("s3:ListBucket", list_prefix=f"{PREFIX}/erp/")
    assert _allowed("s3:ListBucket", list_prefix=f"{PREFIX}/bank/")
    assert _allowed("s3:GetObject", f"{PREFIX}/erp/invoices/inv_2026-03-01.csv")
    assert _allowed("s3:GetObject", f"{PREFIX}/bank/2026-03-02_DE89.xml")
    assert _allowed("s3:PutObject", posting)
    assert _allowed("s3:PutObject", f"{PREFIX}/erp/promises/collector_P1.jsonl")  # o2c record
    assert not _allowed("s3:ListBucket", list_prefix="")  # not the whole bucket
    assert not _allowed("s3:ListBucket", list_prefix="finance/")
    assert not _allowed("s3:GetObject", "finance/salaries.csv")
    assert not _allowed("s3:PutObject", f"{PREFIX}/erp/invoices/inv_2026-03-01.csv")
    assert not _allowed("s3:PutObject", f"{PREFIX}/bank/forged.sta")
    assert not _allowed("s3:DeleteObject", posting)


# Kubernetes ------------------------------------------------------------------------------

def test_base_job_template_is_what_prefect_accepts_for_a_kubernetes_pool():
    import jsonschema
    from prefect.server.schemas.actions import WorkPoolCreate

    WorkPoolCreate(name="o2c-kubernetes", type="kubernetes", base_job_template=TEMPLATE)
    jsonschema.Draft7Validator.check_schema(TEMPLATE["variables"])


def test_base_job_template_renders_a_job_in_the_o2c_image_with_its_settings():
    from prefect.utilities.templating import apply_values

    defaults = {k: v["default"] for k, v in TEMPLATE["variables"]["properties"].items()
                if "default" in v}
    job = apply_values(TEMPLATE["job_configuration"], {**defaults, "name": "run-1"})
    pod = job["job_manifest"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == defaults["image"]
    assert pod["serviceAccountName"] == "o2c-flow-run"
    assert {"configMapRef": {"name": "o2c-config"}} in container["envFrom"]
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "o2c-state"
    assert container["securityContext"]["runAsNonRoot"] is True


def _k8s_objects() -> dict[tuple[str, str], dict]:
    found = {}
    for path in (INFRA / "k8s").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            assert {"apiVersion", "kind", "metadata"} <= set(doc), path
            found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def test_manifests_name_each_other_consistently():
    objects = _k8s_objects()
    for kind in ("ServiceAccount", "Role", "RoleBinding", "Deployment"):
        assert (kind, "o2c-worker") in objects
    for name in ("o2c-config",):
        assert ("ConfigMap", name) in objects
    assert ("ServiceAccount", "o2c-flow-run") in objects
    assert ("PersistentVolumeClaim", "o2c-state") in objects
    worker = objects[("Deployment", "o2c-worker")]["spec"]["template"]["spec"]
    args = worker["containers"][0]["args"]
    assert args[args.index("--pool") + 1] == "o2c-kubernetes"
    assert objects[("ConfigMap", "o2c-config")]["data"]["O2C_WORK_POOL"] == "o2c-kubernetes"
    rules = objects[("Role", "o2c-worker")]["rules"]
    assert all("*" not in r["verbs"] and "*" not in r["resources"] for r in rules)


# compose and image -----------------------------------------------------------------------

def test_compose_runs_prefect_on_postgres_with_api_auth_and_keeps_secrets_out():
    compose = yaml.safe_load((INFRA / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "prefect-server", "worker", "deploy"} <= set(services)
    server = services["prefect-server"]["environment"]
    assert server["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    assert server["PREFECT_SERVER_API_AUTH_STRING"].startswith("${")
    for client in ("worker", "deploy"):
        assert services[client]["environment"]["PREFECT_API_AUTH_STRING"].startswith("${")
    assert services["deploy"]["restart"] == "no"
    text = (INFRA / "compose.yaml").read_text()
    assert not re.search(r"(PASSWORD|AUTH_STRING|API_KEY|TOKEN):\s+[^$\s]", text)


def test_image_is_python_311_slim_and_runs_as_a_user():
    dockerfile = (INFRA / "docker" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")


# automations ----------------------------------------------------------------------------

def test_automations_are_valid_prefect_automations_and_match_the_events_we_emit():
    from uuid import uuid4

    from prefect.events.schemas.automations import AutomationCore

    from o2c.automations import load_definitions, with_block

    definitions = load_definitions(INFRA / "automations.yaml")
    automations = [AutomationCore.model_validate(with_block(d, uuid4()))
                   for d in definitions.automations]
    names = [a.name for a in automations]
    assert len(set(names)) == len(names) == 3
    by_name = {a.name: a for a in automations}
    emitted = re.search(r'QUARANTINE_EVENT = "([^"]+)"',
                        (ROOT / "flows" / "ingest_erp.py").read_text()).group(1)
    assert by_name["o2c ERP quarantine spike"].trigger.expect == {emitted}
    waiting = by_name["o2c approval waiting"].trigger
    assert waiting.posture == "Proactive" and "prefect.flow-run.Suspended" in waiting.after
    for review in ("review-reminders", "review-cash"):  # what it matches on
        assert "approval" in DEPLOYMENTS[review]["tags"]
