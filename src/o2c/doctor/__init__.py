"""`o2c doctor`: check every configured connection and say, one line each, whether it works
(OK), is not configured and the embedded default is used (OFF), cannot be tested without side
effects (SKIP), or what is missing or wrong and what to do (MISSING / WRONG). Secrets are never
printed: every line is scrubbed of every secret value known to the process."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from o2c.secrets import SecretUnavailable
from o2c.settings import Settings

FAILING = ("MISSING", "WRONG")


@dataclass(frozen=True)
class Finding:
    status: str  # OK | OFF | SKIP | MISSING | WRONG
    name: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status in FAILING


Check = Callable[[Settings], Iterable[Finding]]


def _checks() -> list[Check]:
    from o2c.doctor import services, storage

    return [storage.landing, storage.warehouse, storage.dbt_project, services.prefect_api,
            services.llm, services.sendgrid, services.slack, services.crm, services.alerts]


def run_all(settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    for check in _checks():
        name = check.__name__.replace("_", " ")
        try:
            findings.extend(check(settings))
        except SecretUnavailable as err:
            findings.append(Finding("MISSING", name, str(err)))
        except Exception as err:  # a check must report, never stop the others
            findings.append(Finding("WRONG", name, f"{type(err).__name__}: {err}"))
    return findings


def known_secrets(settings: Settings) -> list[str]:
    """Every secret value this process holds (settings, Prefect's auth), for scrubbing."""
    from pydantic import SecretStr

    from o2c.secrets import BlockSecret

    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, BlockSecret):
            value = value._resolved  # only what was resolved can appear anywhere
        elif isinstance(value, SecretStr):
            value = value.get_secret_value()
        else:
            continue
        if value:
            values.append(value)
    try:
        from prefect.settings import get_current_settings

        auth = get_current_settings().api.auth_string
        if auth is not None and auth.get_secret_value():
            values.append(auth.get_secret_value())
    except Exception:  # noqa: S110 - no Prefect settings, nothing to scrub
        pass
    return sorted(values, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "****")
    return text


def render(findings: list[Finding], secrets: list[str]) -> list[str]:
    width = max((len(f.name) for f in findings), default=0)
    return [scrub(f"{f.status:<8}{f.name:<{width + 2}}{f.detail}", secrets) for f in findings]
