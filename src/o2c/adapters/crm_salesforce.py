"""Salesforce through `simple-salesforce`: fields on Account records, up to 200 per call with the
sObject Collections endpoint (PATCH composite/sobjects, allOrNone=false), whose answer says per
record whether it was saved. Money goes over the wire as exact JSON numbers, never via float."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError
from urllib3.util.retry import Retry

from o2c.adapters.crm import CrmUnavailable
from o2c.domain.crm import AccountUpdate, Change, RecordResult
from o2c.settings import Settings

# Record errors that mean "no such record here": the crm_id in the ERP is wrong or stale.
UNKNOWN_ID_CODES = frozenset({"INVALID_CROSS_REFERENCE_KEY", "ENTITY_IS_DELETED", "MALFORMED_ID",
                              "INVALID_ID_FIELD", "NOT_FOUND"})


def _value_json(change: Change) -> str:
    if change.value is None:
        return "null"
    if change.kind in ("money", "int"):
        return change.value  # canonical decimal text is a valid JSON number
    return json.dumps(change.value)


def collection_body(sobject: str, batch: Sequence[AccountUpdate]) -> str:
    records = []
    for update in batch:
        parts = [f'"attributes": {{"type": {json.dumps(sobject)}}}',
                 f'"id": {json.dumps(update.crm_account_id)}']
        parts += [f"{json.dumps(c.crm_field)}: {_value_json(c)}" for c in update.changes]
        records.append("{" + ", ".join(parts) + "}")
    return '{"allOrNone": false, "records": [' + ", ".join(records) + "]}"


def _result(account: str, item: dict) -> RecordResult:
    if item.get("success"):
        return RecordResult(account, "acknowledged")
    errors = item.get("errors") or []
    detail = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors) or None
    unknown = any(e.get("statusCode") in UNKNOWN_ID_CODES for e in errors)
    return RecordResult(account, "unknown_id" if unknown else "rejected", detail)


class SalesforceCrm:
    system = "salesforce"
    max_batch = 200

    def __init__(self, connect: Callable[[], Salesforce], sobject: str = "Account",
                 ca_bundle: str | None = None) -> None:
        self._connect = connect  # logging in is I/O: done at the first batch, not on creation
        self._client: Salesforce | None = None
        self.sobject = sobject
        # per request: requests lets REQUESTS_CA_BUNDLE override a session's own `verify`
        self._tls = {"verify": ca_bundle} if ca_bundle else {}

    @classmethod
    def from_settings(cls, settings: Settings, retry: Retry, sobject: str = "Account",
                      ) -> SalesforceCrm:
        def connect() -> Salesforce:
            session = requests.Session()
            session.mount("https://", HTTPAdapter(max_retries=retry))
            if settings.crm_ca_bundle:
                session.verify = str(settings.crm_ca_bundle)  # login; REQUESTS_CA_BUNDLE wins there
            version = settings.crm_salesforce_api_version
            if settings.crm_salesforce_session_id is not None:
                if not settings.crm_base_url:
                    raise ValueError("O2C_CRM_SALESFORCE_SESSION_ID needs O2C_CRM_BASE_URL, the "
                                     "instance URL (https://yourorg.my.salesforce.com)")
                return Salesforce(session_id=settings.crm_salesforce_session_id
                                  .get_secret_value(), instance_url=settings.crm_base_url,
                                  session=session, version=version)
            if settings.crm_salesforce_username and settings.crm_salesforce_password:
                token = settings.crm_salesforce_security_token
                return Salesforce(username=settings.crm_salesforce_username,
                                  password=settings.crm_salesforce_password.get_secret_value(),
                                  security_token=token.get_secret_value() if token else "",
                                  domain=settings.crm_salesforce_domain, session=session,
                                  version=version)
            raise ValueError("O2C_CRM_SYSTEM=salesforce needs O2C_CRM_SALESFORCE_SESSION_ID "
                             "(with O2C_CRM_BASE_URL) or O2C_CRM_SALESFORCE_USERNAME, _PASSWORD "
                             "and _SECURITY_TOKEN")

        return cls(connect, sobject,
                   str(settings.crm_ca_bundle) if settings.crm_ca_bundle else None)

    def _sf(self) -> Salesforce:
        if self._client is None:
            try:
                self._client = self._connect()
            except ValueError:  # settings incomplete: a configuration error, not an outage
                raise
            except Exception as err:  # login refused or unreachable
                raise CrmUnavailable(f"salesforce login: {type(err).__name__}: {err}") from err
        return self._client

    def update(self, batch: Sequence[AccountUpdate]) -> dict[str, RecordResult]:
        body = collection_body(self.sobject, batch)
        try:
            answer = self._sf().restful("composite/sobjects", method="PATCH", data=body,
                                        **self._tls)
        except SalesforceError as err:
            raise CrmUnavailable(f"salesforce composite/sobjects answered {err.status}: "
                                 f"{str(err.content)[:300]}") from err
        except requests.RequestException as err:
            raise CrmUnavailable(f"salesforce composite/sobjects: {type(err).__name__}: "
                                 f"{err}") from err
        # the answer lists the records in the order they were sent
        return {u.crm_account_id: _result(u.crm_account_id, item)
                for u, item in zip(batch, answer or [], strict=False)}
