"""The ERP datasets o2c ingests: where they land, their business keys, and how extracts arrive.

Each dataset lands under `erp/<name>/` in the landing zone as CSV, Parquet or JSON Lines.
A *snapshot* dataset's newest file is the whole truth (rows missing from it are gone);
a *delta* dataset's files add or correct rows, the newest version of a business key winning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["snapshot", "delta"]
ColumnType = Literal["text", "date", "money", "rate", "int", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True  # False: the column must exist, but values may be empty
    added_later: bool = False  # files written before it was added lack it: read as empty


@dataclass(frozen=True)
class Dataset:
    name: str
    key: tuple[str, ...]
    mode: Mode
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(spec: str) -> tuple[Column, ...]:
    """'name:type' pairs; a trailing '?' marks an optional value, '?+' a column added later
    (optional, and older files without it stay valid)."""
    out = []
    for item in spec.split():
        name, typ = item.split(":")
        added_later = typ.endswith("?+")
        typ = typ.removesuffix("+")
        out.append(Column(name, typ.rstrip("?"), required=not typ.endswith("?"),  # type: ignore[arg-type]
                          added_later=added_later))
    return tuple(out)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "entities", ("entity_id",), "snapshot",
            _cols("entity_id:text name:text functional_currency:text time_zone:text "
                  "country:text holiday_calendar:text"),
        ),
        Dataset(
            "house_bank_accounts", ("account_number",), "snapshot",
            _cols("account_number:text entity_id:text currency:text bank_name:text "
                  "bic:text? statement_format:text?"),
        ),
        Dataset(
            "customers", ("customer_id",), "snapshot",
            _cols("customer_id:text entity_id:text name:text legal_name:text country:text "
                  "currency:text locale:text payment_terms_days:int credit_limit:money "
                  "crm_id:text? account_owner_email:text? csm_email:text? "
                  "collector_email:text? parent_customer_id:text? payer_accounts:text? "
                  "created_date:date crm_system:text?+"),
        ),
        Dataset(
            "contacts", ("contact_id",), "snapshot",
            _cols("contact_id:text customer_id:text role:text name:text email:text "
                  "do_not_dun:bool"),
        ),
        Dataset(
            "invoices", ("invoice_id",), "delta",
            _cols("invoice_id:text entity_id:text customer_id:text issue_date:date "
                  "due_date:date currency:text amount:money status:text po_number:text? "
                  "is_disputed:bool is_paperless:bool"),
        ),
        Dataset(
            "credit_memos", ("credit_memo_id",), "delta",
            _cols("credit_memo_id:text entity_id:text customer_id:text invoice_id:text? "
                  "issue_date:date currency:text amount:money reason:text"),
        ),
        Dataset(
            "receipts", ("receipt_id",), "delta",
            _cols("receipt_id:text entity_id:text customer_id:text received_date:date "
                  "currency:text amount:money bank_ref:text? application_id:text?"),
        ),
        Dataset(
            "receipt_applications", ("receipt_id", "invoice_id"), "delta",
            _cols("receipt_id:text invoice_id:text applied_date:date currency:text "
                  "applied_amount:money"),
        ),
        Dataset(
            "fx_rates", ("rate_date", "from_currency", "to_currency"), "delta",
            _cols("rate_date:date from_currency:text to_currency:text rate:rate"),
        ),
        Dataset(
            "disputes", ("dispute_id",), "delta",
            _cols("dispute_id:text invoice_id:text customer_id:text opened_date:date "
                  "currency:text amount:money reason:text status:text resolved_date:date? "
                  "recorded_by:text"),
        ),
        Dataset(
            "promises", ("promise_id",), "delta",
            _cols("promise_id:text invoice_id:text customer_id:text recorded_date:date "
                  "promised_date:date currency:text amount:money status:text "
                  "recorded_by:text"),
        ),
    ]
}

# Allowed values a contract checks; the generator and the dbt accepted_values tests use the same.
INVOICE_STATUSES = ("open", "paid", "void")
CONTACT_ROLES = ("billing", "escalation")
DISPUTE_STATUSES = ("open", "resolved")
PROMISE_STATUSES = ("open", "kept", "broken")
FILE_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
