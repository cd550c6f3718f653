"""pandera contracts for the ERP datasets.

Files are read as text (so no value is lost or turned into a float before it is checked), every
check runs lazily (all errors at once), and each failing row gets one reason string naming its
fields and checks: `amount: greater_than(0); currency: isin(ISO 4217)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import available_timezones

import pandas as pd
import pandera.pandas as pa

from o2c.contracts.datasets import (
    CONTACT_ROLES,
    DATASETS,
    DISPUTE_STATUSES,
    INVOICE_STATUSES,
    PROMISE_STATUSES,
    Column,
    Dataset,
)
from o2c.domain.money import CURRENCIES

BOOL_TEXT = ("true", "false", "1", "0", "yes", "no", "t", "f", "y", "n")
_FORMAT_PATTERNS = {
    "money": (r"-?\d{1,15}(\.\d{1,4})?", "decimal(19,4)"),
    "rate": (r"\d{1,8}(\.\d{1,10})?", "decimal(18,10)"),
    "int": (r"-?\d{1,9}", "integer"),
}


def _present(s: pd.Series) -> pd.Series:
    return s.str.len() > 0


def _check(fn, name: str) -> pa.Check:
    """A vectorised check that lets empty values pass (emptiness is `not_empty`'s job)."""
    return pa.Check(lambda s: fn(s) | ~_present(s), name=name)


def _is_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()


def _positive(s: pd.Series) -> pd.Series:
    return ~s.str.startswith("-") & s.str.contains(r"[1-9]", regex=True)


def _isin(values, name: str) -> pa.Check:
    allowed = set(values)
    return _check(lambda s: s.isin(allowed), f"isin({name})")


def _type_checks(column: Column) -> list[pa.Check]:
    checks = [pa.Check(_present, name="not_empty")] if column.required else []
    if column.type == "date":
        checks.append(_check(_is_date, "date(YYYY-MM-DD)"))
    elif column.type == "bool":
        checks.append(_check(lambda s: s.str.lower().isin(BOOL_TEXT), "boolean"))
    elif column.type in _FORMAT_PATTERNS:
        pattern, name = _FORMAT_PATTERNS[column.type]
        checks.append(_check(lambda s, p=pattern: s.str.fullmatch(p).fillna(False), name))
    return checks


# Business rules per dataset and column, beyond the column's type.
_RULES: dict[str, dict[str, list[pa.Check]]] = {
    "entities": {
        "functional_currency": [_isin(CURRENCIES, "ISO 4217")],
        "time_zone": [_isin(available_timezones(), "IANA time zone")],
    },
    "house_bank_accounts": {"currency": [_isin(CURRENCIES, "ISO 4217")]},
    "customers": {
        "currency": [_isin(CURRENCIES, "ISO 4217")],
        "country": [_check(lambda s: s.str.fullmatch(r"[A-Z]{2}").fillna(False),
                           "ISO 3166 alpha-2")],
        "locale": [_check(lambda s: s.str.fullmatch(r"[a-z]{2}(_[A-Z]{2})?").fillna(False),
                          "locale(ll_CC)")],
        "credit_limit": [_check(lambda s: ~s.str.startswith("-"), "greater_or_equal(0)")],
        "payment_terms_days": [_check(lambda s: s.str.fullmatch(r"\d{1,3}").fillna(False),
                                      "in_range(0, 999)")],
    },
    "contacts": {
        "role": [_isin(CONTACT_ROLES, "billing, escalation")],
        "email": [_check(lambda s: s.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+").fillna(False),
                         "email")],
    },
    "invoices": {
        "amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
        "status": [_isin(INVOICE_STATUSES, ", ".join(INVOICE_STATUSES))],
    },
    "credit_memos": {
        "amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
    },
    "receipts": {
        "amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
    },
    "receipt_applications": {
        "applied_amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
    },
    "fx_rates": {
        "rate": [_check(_positive, "greater_than(0)")],
        "from_currency": [_isin(CURRENCIES, "ISO 4217")],
        "to_currency": [_isin(CURRENCIES, "ISO 4217")],
    },
    "disputes": {
        "amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
        "status": [_isin(DISPUTE_STATUSES, ", ".join(DISPUTE_STATUSES))],
    },
    "promises": {
        "amount": [_check(_positive, "greater_than(0)")],
        "currency": [_isin(CURRENCIES, "ISO 4217")],
        "status": [_isin(PROMISE_STATUSES, ", ".join(PROMISE_STATUSES))],
    },
}

# Rules across columns of one row, named `<field>: <check>` so the reason names the field.
_ROW_RULES: dict[str, list[tuple[str, str, str]]] = {
    "invoices": [("due_date", "issue_date", "on_or_after(issue_date)")],
    "disputes": [("resolved_date", "opened_date", "on_or_after(opened_date)")],
}


def _row_check(later: str, earlier: str, name: str) -> pa.Check:
    def fn(df: pd.DataFrame) -> pd.Series:
        a, b = pd.to_datetime(df[later], errors="coerce"), pd.to_datetime(df[earlier],
                                                                          errors="coerce")
        return (a >= b) | a.isna() | b.isna()

    return pa.Check(fn, name=f"{later}: {name}")


def schema_for(dataset: Dataset) -> pa.DataFrameSchema:
    rules = _RULES.get(dataset.name, {})
    columns = {
        c.name: pa.Column(str, _type_checks(c) + rules.get(c.name, []), nullable=False,
                          required=not c.added_later)
        for c in dataset.columns
    }
    row_checks = [_row_check(*rule) for rule in _ROW_RULES.get(dataset.name, [])]
    return pa.DataFrameSchema(columns, checks=row_checks, strict=False, coerce=False)


SCHEMAS: dict[str, pa.DataFrameSchema] = {name: schema_for(d) for name, d in DATASETS.items()}


@dataclass(frozen=True)
class Validated:
    good: pd.DataFrame  # rows that passed, index = position in the file (0-based)
    reasons: pd.Series  # failing rows: index = position, value = reason string


def validate(dataset: str, frame: pd.DataFrame) -> Validated:
    """Check every row; all-text frame in, good rows and per-row reasons out."""
    try:
        SCHEMAS[dataset].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        reasons = _reasons(err.failure_cases)
        return Validated(frame.drop(index=reasons.index), reasons)
    return Validated(frame, pd.Series(dtype=str))


def _reasons(failures: pd.DataFrame) -> pd.Series:
    failures = failures.dropna(subset=["index"])
    is_row_rule = failures["schema_context"] == "DataFrameSchema"
    field_check = failures["column"].astype(str) + ": " + failures["check"].astype(str)
    text = field_check.where(~is_row_rule, failures["check"].astype(str))
    frame = pd.DataFrame({"index": failures["index"].astype(int), "text": text})
    frame = frame.drop_duplicates().sort_values(["index", "text"], kind="stable")
    return frame.groupby("index")["text"].agg("; ".join)
