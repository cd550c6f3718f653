"""Doctor checks of the services o2c talks to: Prefect, the LLM, SendGrid, Slack, alerts."""

from __future__ import annotations

from collections.abc import Iterator

from o2c.doctor import Finding
from o2c.secrets import source_of
from o2c.settings import Settings


def _unset(secret) -> bool:
    return secret is None or not secret.get_secret_value()  # an empty variable is unset

SENDGRID_SCOPES = ("mail.send", "suppression.bounces.read", "suppression.invalid_emails.read",
                   "suppression.blocks.read")  # sending, and reading bounces back
SLACK_BOT_SCOPES = ("chat:write", "users:read.email")


def prefect_api(settings: Settings) -> Iterator[Finding]:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    with get_client(sync_client=True) as client:
        down = client.api_healthcheck()
        if down is not None:
            yield Finding("WRONG", "prefect", f"API {url} not reachable ({type(down).__name__}): "
                          "start it (`o2c server start`) or set PREFECT_API_URL")
            return
        try:
            pool = client.read_work_pool(settings.work_pool)
        except ObjectNotFound:
            yield Finding("MISSING", "prefect", f"API {url} up, but work pool "
                          f"{settings.work_pool} missing: `o2c deploy` creates a process pool; "
                          "for Kubernetes see infra/README.md")
            return
        except PrefectHTTPStatusError as err:
            if err.response.status_code == 401:
                yield Finding("WRONG", "prefect", f"API {url} refused the credentials (401): "
                              "set PREFECT_API_AUTH_STRING to the server's "
                              "PREFECT_SERVER_API_AUTH_STRING")
                return
            raise
        yield Finding("OK", "prefect", f"API {url} up; work pool {pool.name} ({pool.type})"
                      + (", paused" if pool.is_paused else ""))
        yield from _deployed(client, settings)


def _deployed(client, settings: Settings) -> Iterator[Finding]:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterTags
    from prefect.exceptions import ObjectNotFound

    try:
        client.read_global_concurrency_limit_by_name(settings.warehouse_limit)
    except ObjectNotFound:
        yield Finding("MISSING", "deployments", f"concurrency limit {settings.warehouse_limit} "
                      "missing (flows would wait for it forever): run `o2c deploy`")
        return
    ours = client.read_deployments(
        deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=["o2c"])))
    if not ours:
        yield Finding("MISSING", "deployments", "none registered: run `o2c deploy`")
        return
    active = sum(s.active for d in ours for s in d.schedules)
    yield Finding("OK", "deployments", f"{len(ours)} registered, {active} schedule(s) active"
                  + ("" if active else " (`o2c deploy --activate` switches them on)"))


def llm(settings: Settings) -> Iterator[Finding]:
    import openai

    key = settings.openai_api_key
    if _unset(key):
        yield Finding("OFF", "llm", "no O2C_OPENAI_API_KEY: the template drafter writes "
                      "reminders")
        return
    where = settings.llm_base_url or "OpenAI"
    client = openai.OpenAI(api_key=key.get_secret_value(), base_url=settings.llm_base_url,
                           max_retries=0, timeout=15)
    try:
        models = [m.id for m in client.models.list()]
    except openai.AuthenticationError:
        yield Finding("WRONG", "llm", f"{where} rejected the key from {source_of(key)} (401): "
                      "set O2C_OPENAI_API_KEY to a valid key")
        return
    except openai.APIConnectionError:
        yield Finding("WRONG", "llm", f"{where} not reachable: check O2C_LLM_BASE_URL")
        return
    except openai.APIStatusError as err:
        yield Finding("WRONG", "llm", f"{where} answered {err.status_code} to models.list: "
                      "check O2C_LLM_BASE_URL (an OpenAI-compatible /v1 URL)")
        return
    if settings.llm_model not in models:
        offered = ", ".join(models[:8]) or "none"
        yield Finding("WRONG", "llm", f"{where} does not offer model {settings.llm_model} "
                      f"(offers: {offered}): set O2C_LLM_MODEL")
        return
    yield Finding("OK", "llm", f"{where}: key from {source_of(key)} accepted, model "
                  f"{settings.llm_model} available")


def sendgrid(settings: Settings) -> Iterator[Finding]:
    from python_http_client.exceptions import HTTPError
    from sendgrid import SendGridAPIClient

    key = settings.sendgrid_api_key
    if _unset(key):
        yield Finding("OFF", "sendgrid", f"no O2C_SENDGRID_API_KEY: reminders are written to "
                      f"{settings.outbox_dir} as .eml files")
        return
    kwargs = {"host": settings.sendgrid_host.rstrip("/")} if settings.sendgrid_host else {}
    client = SendGridAPIClient(api_key=key.get_secret_value(), **kwargs)
    client.client.timeout = 15
    try:
        response = client.client.scopes.get()
    except HTTPError as err:
        yield Finding("WRONG", "sendgrid", f"SendGrid answered {err.status_code} to GET "
                      f"/v3/scopes with the key from {source_of(key)}: set "
                      "O2C_SENDGRID_API_KEY to a valid key")
        return
    except OSError as err:
        yield Finding("WRONG", "sendgrid", f"SendGrid not reachable ({type(err).__name__}): "
                      "check O2C_SENDGRID_HOST")
        return
    import json

    granted = set(json.loads(response.body or b"{}").get("scopes", []))
    lacking = [s for s in SENDGRID_SCOPES if s not in granted]
    if lacking:
        yield Finding("WRONG", "sendgrid", f"key from {source_of(key)} lacks "
                      f"{', '.join(lacking)}: grant them in SendGrid (Settings -> API Keys)")
        return
    mode = ", sandbox mode (nothing delivered)" if settings.sendgrid_sandbox else ""
    yield Finding("OK", "sendgrid", f"key from {source_of(key)} may send and read bounces{mode}")


def slack(settings: Settings) -> Iterator[Finding]:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    token = None if _unset(settings.slack_bot_token) else settings.slack_bot_token
    hook = None if _unset(settings.slack_webhook_url) else settings.slack_webhook_url
    if token is None and hook is None:
        yield Finding("OFF", "slack", "no O2C_SLACK_BOT_TOKEN or O2C_SLACK_WEBHOOK_URL: "
                      "notifications go by e-mail only")
        return
    if token is not None:
        kwargs = {"base_url": settings.slack_base_url} if settings.slack_base_url else {}
        client = WebClient(token=token.get_secret_value(), timeout=15, **kwargs)
        try:
            answer = client.auth_test()
        except SlackApiError as err:
            yield Finding("WRONG", "slack", f"auth.test refused the bot token from "
                          f"{source_of(token)} ({err.response.get('error')}): set "
                          "O2C_SLACK_BOT_TOKEN to the app's xoxb- token")
            return
        granted = {s.strip() for s in (answer.headers.get("x-oauth-scopes") or "").split(",")}
        lacking = [s for s in SLACK_BOT_SCOPES if s not in granted]
        if answer.headers.get("x-oauth-scopes") is not None and lacking:
            yield Finding("WRONG", "slack", f"bot token lacks {', '.join(lacking)}: add them "
                          "to the Slack app and reinstall it")
            return
        yield Finding("OK", "slack", f"bot token from {source_of(token)} valid for team "
                      f"{answer.get('team')} as {answer.get('user')}")
    if hook is not None:
        yield Finding("SKIP", "slack", f"webhook from {source_of(hook)} set; not called: a "
                      "webhook can only be tested by posting to its channel")


def alerts(settings: Settings) -> Iterator[Finding]:
    """Applied when the team channel is set or any o2c automation exists."""
    from prefect.client.orchestration import get_client

    from o2c.automations import load_definitions

    names = [a["name"] for a in load_definitions().automations]
    with get_client(sync_client=True) as client:
        if client.api_healthcheck() is not None:
            return  # the prefect check already said so
        present = [n for n in names if client.read_automations_by_name(n)]
    if not present and _unset(settings.alerts_slack_webhook_url):
        yield Finding("OFF", "alerts", "no automations applied: `o2c automations apply` sends "
                      "failed runs, quarantine spikes and waiting approvals to the team")
        return
    missing = [n for n in names if n not in present]
    if missing:
        yield Finding("MISSING", "alerts", f"automation(s) {', '.join(missing)} not applied: "
                      "run `o2c automations apply`")
        return
    yield Finding("OK", "alerts", f"{len(present)} automation(s) applied")


def crm(settings: Settings) -> Iterator[Finding]:
    system = getattr(settings, "crm_system", "none")
    if system == "none":
        yield Finding("OFF", "crm", "O2C_CRM_SYSTEM=none: AR fields are not pushed to a CRM")
        return
    yield Finding("SKIP", "crm", f"{system} configured; not checked: its first push reports "
                  "a refused login in the notify run (artifact crm-fields-pushed)")
