"""Salesforce and HubSpot stand-ins on 127.0.0.1 over HTTPS (a trustme test CA), implementing
only the endpoints o2c calls: Salesforce sObject Collections update (PATCH composite/sobjects)
and HubSpot companies batch update. Each keeps its accounts' field values, logs every update it
applied, and can be scripted: answers for the next calls (429 with Retry-After, 5xx), an outage
after N accepted calls, per-record errors."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme

SALESFORCE_PATH = "/services/data/v59.0/composite/sobjects"
HUBSPOT_PATH = "/crm/v3/objects/companies/batch/update"
SALESFORCE_TOKEN = "00Dsession!fake"
HUBSPOT_TOKEN = "pat-na1-fake"


@dataclass
class FakeCrm:
    kind: str  # salesforce | hubspot
    accounts: dict[str, dict] = field(default_factory=dict)  # id -> field -> value
    record_errors: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (code, msg)
    script: list[tuple[int, dict]] = field(default_factory=list)  # next answers: status, headers
    fail_after: int | None = None  # accepted calls before every call answers 503
    calls: list[list[str]] = field(default_factory=list)  # ids per call that reached us
    accepted_calls: int = 0
    applied: list[tuple[str, str, object]] = field(default_factory=list)  # (id, field, value)
    url: str = ""
    ca_path: Path | None = None

    def answer(self, body: dict, auth: str) -> tuple[int, dict, object]:
        expected = SALESFORCE_TOKEN if self.kind == "salesforce" else HUBSPOT_TOKEN
        if auth != f"Bearer {expected}":
            return 401, {}, [{"errorCode": "INVALID_AUTH", "message": "bad token"}]
        records = body.get("records") if self.kind == "salesforce" else body.get("inputs")
        self.calls.append([r["id"] for r in records])
        if self.script:
            status, headers = self.script.pop(0)
            return status, headers, {"message": "scripted"}
        if self.fail_after is not None and self.accepted_calls >= self.fail_after:
            return 503, {}, {"message": "down for maintenance"}
        self.accepted_calls += 1
        if self.kind == "salesforce":
            return 200, {}, [self._salesforce_record(r) for r in records]
        return self._hubspot_batch(records)

    def _apply(self, account: str, values: dict) -> None:
        for name, value in values.items():
            self.accounts[account][name] = value
            self.applied.append((account, name, value))

    def _salesforce_record(self, record: dict) -> dict:
        account = record["id"]
        if account not in self.accounts:
            return {"success": False, "errors": [{"statusCode": "INVALID_CROSS_REFERENCE_KEY",
                                                  "message": "invalid cross reference id",
                                                  "fields": []}]}
        if account in self.record_errors:
            code, message = self.record_errors[account]
            return {"id": account, "success": False,
                    "errors": [{"statusCode": code, "message": message, "fields": []}]}
        assert record["attributes"] == {"type": "Account"}
        self._apply(account, {k: v for k, v in record.items() if k not in ("attributes", "id")})
        return {"id": account, "success": True, "errors": []}

    def _hubspot_batch(self, inputs: list[dict]) -> tuple[int, dict, object]:
        missing = [i["id"] for i in inputs if i["id"] not in self.accounts]
        if missing:  # HubSpot refuses the whole batch and names the ids
            return 400, {}, {"status": "error", "category": "OBJECT_NOT_FOUND",
                             "message": "Could not get some COMPANY objects, they may be "
                                        "deleted or not exist.",
                             "context": {"ids": missing}}
        results, errors = [], []
        for item in inputs:
            account = item["id"]
            if account in self.record_errors:
                code, message = self.record_errors[account]
                errors.append({"status": "error", "category": code, "message": message,
                               "context": {"ids": [account]}})
                continue
            self._apply(account, item["properties"])
            results.append({"id": account, "properties": item["properties"],
                            "createdAt": "2026-01-01T00:00:00Z",
                            "updatedAt": "2026-11-20T00:00:00Z", "archived": False})
        answer = {"status": "COMPLETE", "results": results,
                  "startedAt": "2026-11-20T00:00:00Z", "completedAt": "2026-11-20T00:00:01Z"}
        if errors:
            return 207, {}, {**answer, "errors": errors, "numErrors": len(errors)}
        return 200, {}, answer

    def sent(self) -> list[str]:
        """Ids of every call, flattened: what reached the CRM, retries included."""
        return [a for call in self.calls for a in call]

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                expected = ("PATCH", SALESFORCE_PATH) if fake.kind == "salesforce" else (
                    "POST", HUBSPOT_PATH)
                if (self.command, self.path.split("?")[0]) != expected:
                    status, headers, body = 404, {}, {"message": f"no {self.path}"}
                else:
                    body_in = json.loads(raw, parse_float=Decimal)
                    status, headers, body = fake.answer(
                        body_in, self.headers.get("Authorization", ""))
                data = json.dumps(body, default=str).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_PATCH = do_POST = _serve

        return Handler


@contextmanager
def serve(kind: str, workdir: Path) -> Iterator[FakeCrm]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    fake = FakeCrm(kind)
    fake.ca_path = workdir / f"{kind}-ca.pem"
    ca.cert_pem.write_to_path(str(fake.ca_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    server.socket = context.wrap_socket(server.socket, server_side=True)
    fake.url = f"https://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def write_marts(settings, customers: list[tuple]) -> None:
    """dim_customers and fct_customer_ar_status as dbt would leave them; each customer is
    (customer_id, crm_id, crm_system, open_balance, tier, last_payment_date)."""
    from o2c.adapters import warehouse

    with warehouse.writer(settings) as con:
        con.execute("create or replace table main.dim_customers (customer_id varchar, "
                    "crm_id varchar, crm_system varchar, account_owner_email varchar, "
                    "csm_email varchar, collector_email varchar)")
        con.executemany("insert into main.dim_customers values (?, ?, ?, null, null, null)",
                        [c[:3] for c in customers])
        con.execute("create or replace table main.fct_customer_ar_status (customer_id varchar, "
                    "balance_currency varchar, open_balance decimal(19,4), "
                    "overdue_balance decimal(19,4), oldest_overdue_days integer, "
                    "risk_tier varchar, last_payment_date date, "
                    "last_payment_amount decimal(19,4), last_payment_currency varchar)")
        con.executemany(
            "insert into main.fct_customer_ar_status values (?, 'EUR', ?, ?, ?, ?, ?, ?, ?)",
            [(c, Decimal(balance), Decimal(balance) / 2, 12, tier, paid,
              Decimal("100.10") if paid else None, "EUR" if paid else None)
             for c, _, _, balance, tier, paid in customers])
