"""`o2c doctor` against real local servers: moto's S3, a Prefect server, and the OpenAI,
SendGrid and Slack stand-ins the other integration tests use. Every configured connection
gets one line saying OK, or what is missing or wrong and what to do; the exit code says
whether any failed; no secret ever appears in the output, whether it came from the
environment or from a Prefect block."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import boto3
import pytest
from prefect_server import running_server
from test_landing_s3 import s3_endpoint  # noqa: F401 - moto's server, a fixture
from test_llm_drafting import serve as openai_server
from test_notify_slack import serve as slack_server
from test_sendgrid_outbox import fake as sendgrid_fake

pytestmark = [pytest.mark.integration, pytest.mark.slow]

POOL = "o2c-doctor-test"
OPENAI_KEY, SLACK_TOKEN = "sk-test", "xoxb-doctor-secret-token"
AUTH_TEST = json.dumps({"ok": True, "team": "Kestrel", "user": "o2c-bot"})


@pytest.fixture(scope="module")
def prefect(tmp_path_factory):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from o2c.adapters.warehouse import ensure_concurrency_limit

    with running_server(tmp_path_factory.mktemp("prefect")) as server, \
            server.client_settings(), get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name=POOL, type="process"))
        ensure_concurrency_limit("warehouse")
        flow_id = client.create_flow_from_name("pipeline")
        client.create_deployment(flow_id=flow_id, name="pipeline", tags=["o2c"],
                                 work_pool_name=POOL, entrypoint="flows/pipeline.py:pipeline")
        yield server


@pytest.fixture
def services(s3_endpoint):  # noqa: F811 - the imported fixture
    bucket = f"acme-landing-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(
        Bucket=bucket)
    with openai_server(lambda req, n: (500, {}, {})) as llm, sendgrid_fake.serve() as mail, \
            slack_server() as slack:
        slack.script["/api/auth.test"] = [
            (200, {"x-oauth-scopes": "chat:write,users:read.email"}, AUTH_TEST)]
        yield {"s3": s3_endpoint, "bucket": bucket, "llm": llm, "mail": mail, "slack": slack}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One o2c home for the module: dbt's partial parse makes later doctor runs quicker."""
    return tmp_path_factory.mktemp("o2c")


def doctor_env(home, prefect, services, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("O2C_", "PREFECT_", "AWS_"))}
    env.update(prefect.env())
    env.update({
        "O2C_HOME": str(home), "O2C_WORK_POOL": POOL,
        "O2C_LANDING_URL": f"s3://{services['bucket']}/prod/o2c",
        "O2C_S3_ENDPOINT_URL": services["s3"], "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "O2C_OPENAI_API_KEY": OPENAI_KEY, "O2C_LLM_BASE_URL": services["llm"].url,
        "O2C_LLM_MODEL": "test-model",
        "O2C_SENDGRID_API_KEY": sendgrid_fake.API_KEY, "O2C_SENDGRID_HOST": services["mail"].url,
        "O2C_SLACK_BOT_TOKEN": SLACK_TOKEN, "O2C_SLACK_BASE_URL": f"{services['slack'].url}/api/",
    })
    env.update(overrides)
    return env


def doctor(env: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """Exit code, {check name: its line} (first line per name), whole output."""
    done = subprocess.run([sys.executable, "-m", "o2c.cli", "doctor"], env=env, text=True,
                          capture_output=True, timeout=600, check=False)
    lines: dict[str, str] = {}
    for line in done.stdout.splitlines():
        status, name, *_ = line.split()
        lines.setdefault(name, line)
    return done.returncode, lines, done.stdout + done.stderr


def test_every_configured_connection_is_checked_and_ok(home, prefect, services):
    code, lines, out = doctor(doctor_env(home, prefect, services))
    assert code == 0, out
    assert lines["landing"].startswith("OK") and "bucket reachable" in lines["landing"]
    assert lines["warehouse"].startswith("OK")
    assert lines["dbt"].startswith("OK"), out
    assert lines["prefect"].startswith("OK") and POOL in lines["prefect"]
    assert lines["deployments"].startswith("OK") and "1 registered" in lines["deployments"]
    assert lines["llm"].startswith("OK") and "model test-model available" in lines["llm"]
    assert lines["sendgrid"].startswith("OK") and "sandbox" not in lines["sendgrid"]
    assert lines["slack"].startswith("OK") and "team Kestrel" in lines["slack"]
    assert lines["alerts"].startswith("OFF")
    for secret in (OPENAI_KEY, sendgrid_fake.API_KEY, SLACK_TOKEN):
        assert secret not in out
    assert ("GET", "/v3/scopes") in services["mail"].requests


def test_what_is_wrong_or_missing_is_said_precisely_and_fails(home, prefect, services):
    services["mail"].scopes = ["mail.send"]
    services["slack"].script["/api/auth.test"] = [
        (200, {}, json.dumps({"ok": False, "error": "invalid_auth"}))]
    env = doctor_env(home, prefect, services, O2C_OPENAI_API_KEY="sk-wrong-secret-value",
                     O2C_LANDING_URL="s3://no-such-bucket-o2c/prod", O2C_WORK_POOL="nope")
    code, lines, out = doctor(env)
    assert code == 1, out
    assert lines["landing"].startswith("MISSING") and "no-such-bucket-o2c does not exist" \
        in lines["landing"]
    assert lines["prefect"].startswith("MISSING") and "work pool nope missing" in lines["prefect"]
    assert lines["llm"].startswith("WRONG") and "rejected the key from environment" \
        in lines["llm"]
    assert lines["sendgrid"].startswith("WRONG") and "lacks suppression.bounces.read" \
        in lines["sendgrid"]
    assert lines["slack"].startswith("WRONG") and "invalid_auth" in lines["slack"]
    for secret in ("sk-wrong-secret-value", sendgrid_fake.API_KEY, SLACK_TOKEN):
        assert secret not in out


def test_secrets_from_prefect_blocks_resolve_on_use_and_stay_hidden(home, prefect,
                                                                    services):
    from prefect.blocks.system import Secret
    from prefect_aws import AwsCredentials

    with prefect.client_settings():
        Secret(value=OPENAI_KEY).save("openai-api-key", overwrite=True, _sync=True)
        AwsCredentials(aws_access_key_id="testing", aws_secret_access_key="aws-block-secret",
                       region_name="us-east-1").save("o2c-landing", overwrite=True, _sync=True)
    env = doctor_env(home, prefect, services, O2C_OPENAI_API_KEY="block:secret/openai-api-key",
                     O2C_AWS_CREDENTIALS_BLOCK="o2c-landing",
                     O2C_SLACK_BOT_TOKEN="block:secret/no-such-block")
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]  # only the block has them
    code, lines, out = doctor(env)
    assert "key from Prefect block secret/openai-api-key accepted" in lines["llm"], out
    assert "AwsCredentials block o2c-landing" in lines["landing"], out
    assert lines["slack"].startswith("MISSING") and "'secret/no-such-block' not found" \
        in lines["slack"]
    assert code == 1
    for secret in (OPENAI_KEY, "aws-block-secret"):
        assert secret not in out
