"""HubSpot through `hubspot-api-client`: properties on Company records, up to 100 per call with
the batch update endpoint. A 207 (multi-status) answer lists the records it saved and an error
per record it did not; a 400/404 that names ids it does not know rejects the whole batch, so
those ids are reported and the rest of the batch is sent once more without them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hubspot import HubSpot
from hubspot.crm.companies import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    SimplePublicObjectBatchInput,
)
from urllib3.exceptions import HTTPError
from urllib3.util.retry import Retry

from o2c.adapters.crm import CrmUnavailable
from o2c.domain.crm import AccountUpdate, RecordResult
from o2c.settings import Settings

UNKNOWN_ID_CATEGORIES = frozenset({"OBJECT_NOT_FOUND"})


def batch_input(batch: Sequence[AccountUpdate]) -> BatchInputSimplePublicObjectBatchInput:
    # HubSpot properties are text; an empty string clears one
    return BatchInputSimplePublicObjectBatchInput(inputs=[
        SimplePublicObjectBatchInput(
            id=u.crm_account_id,
            properties={c.crm_field: c.value if c.value is not None else "" for c in u.changes})
        for u in batch])


def _named_ids(err: ApiException) -> set[str]:
    """Ids a whole-batch error says do not exist (its `context.ids`)."""
    try:
        body = json.loads(err.body or "{}")
    except (TypeError, ValueError):
        return set()
    return set(map(str, (body.get("context") or {}).get("ids") or []))


def _results(answer: object, batch: Sequence[AccountUpdate]) -> dict[str, RecordResult]:
    sent = {u.crm_account_id for u in batch}
    results = {str(r.id): RecordResult(str(r.id), "acknowledged")
               for r in getattr(answer, "results", None) or [] if str(r.id) in sent}
    for error in getattr(answer, "errors", None) or []:
        outcome = "unknown_id" if error.category in UNKNOWN_ID_CATEGORIES else "rejected"
        detail = f"{error.category}: {error.message}"
        for account in (error.context or {}).get("ids") or []:
            if account in sent:
                results[account] = RecordResult(account, outcome, detail)
    return results


class HubSpotCrm:
    system = "hubspot"
    max_batch = 100

    def __init__(self, client: HubSpot) -> None:
        self._companies = client.crm.companies.batch_api

    @classmethod
    def from_settings(cls, settings: Settings, retry: Retry) -> HubSpotCrm:
        if settings.crm_hubspot_access_token is None:
            raise ValueError("O2C_CRM_SYSTEM=hubspot needs O2C_CRM_HUBSPOT_ACCESS_TOKEN "
                             "(a private app token with crm.objects.companies.write)")
        options: dict = {"access_token": settings.crm_hubspot_access_token.get_secret_value(),
                         "retry": retry}
        if settings.crm_base_url:
            options["host"] = settings.crm_base_url.rstrip("/")
        if settings.crm_ca_bundle:
            options["ssl_ca_cert"] = str(settings.crm_ca_bundle)
        return cls(HubSpot(**options))

    def update(self, batch: Sequence[AccountUpdate]) -> dict[str, RecordResult]:
        results: dict[str, RecordResult] = {}
        pending = list(batch)
        while pending:
            try:
                answer = self._companies.update(batch_input(pending))
            except ApiException as err:
                unknown = _named_ids(err) if err.status in (400, 404) else set()
                if not unknown or not unknown <= {u.crm_account_id for u in pending}:
                    raise CrmUnavailable(f"hubspot companies batch update answered "
                                         f"{err.status}: {str(err.body)[:300]}") from err
                detail = f"{err.status}: no such company"
                results |= {a: RecordResult(a, "unknown_id", detail) for a in unknown}
                pending = [u for u in pending if u.crm_account_id not in unknown]
                continue
            except HTTPError as err:  # no answer after the retries
                raise CrmUnavailable(f"hubspot companies batch update: {type(err).__name__}: "
                                     f"{err}") from err
            return results | _results(answer, pending)
        return results
