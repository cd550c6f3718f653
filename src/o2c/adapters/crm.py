"""CRM adapters behind one small Protocol: update fields on accounts, a batch at a time, and say
per account what the CRM did. Another CRM is one more class with `update`.

Field updates set absolute values, so asking again is harmless: 429 (after Retry-After) and 5xx
are retried by the HTTP layer with bounded exponential backoff. When a batch still gets no
answer the CRM is unavailable: the sync stops and the next run sends what was not acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from urllib3.util.retry import Retry

from o2c.domain.crm import AccountUpdate, RecordResult
from o2c.settings import Settings

RETRY_STATUSES = (429, 500, 502, 503, 504)


class CrmUnavailable(RuntimeError):
    """The CRM did not take a batch (outage, rate limit past our retries, refused login)."""


class Crm(Protocol):
    system: str  # as in dim_customers.crm_system
    max_batch: int  # the API's limit per batch call

    def update(self, batch: Sequence[AccountUpdate]) -> dict[str, RecordResult]:
        """Send one batch; return each account's result, keyed by CRM account id."""
        ...


def retry_policy(retries: int = 4, backoff_seconds: float = 1.0,
                 max_wait_seconds: float = 60.0) -> Retry:
    """Bounded retries for 429 / 5xx / broken connections; Retry-After is honoured up to
    `max_wait_seconds`, otherwise backoff doubles from `backoff_seconds`."""
    return Retry(total=retries, connect=retries, read=retries, status=retries,
                 status_forcelist=RETRY_STATUSES,
                 allowed_methods=frozenset({"GET", "POST", "PATCH"}),
                 backoff_factor=backoff_seconds, backoff_max=max_wait_seconds,
                 retry_after_max=max_wait_seconds, respect_retry_after_header=True,
                 raise_on_status=False)  # the last answer reaches the SDK, which reports it


def crm_from_settings(settings: Settings, object_name: str | None = None,
                      retry: Retry | None = None) -> Crm | None:
    """The configured CRM client, or None when no CRM is set up. `object_name` is the
    Salesforce sObject the crm ids name (default Account)."""
    retry = retry or retry_policy()
    if settings.crm_system == "salesforce":
        from o2c.adapters.crm_salesforce import SalesforceCrm

        return SalesforceCrm.from_settings(settings, retry, object_name or "Account")
    if settings.crm_system == "hubspot":
        from o2c.adapters.crm_hubspot import HubSpotCrm

        return HubSpotCrm.from_settings(settings, retry)
    return None
