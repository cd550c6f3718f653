"""ERP contracts: every bad value is named with its field and check; good rows pass untouched."""

import pandas as pd

from o2c.contracts.datasets import DATASETS
from o2c.contracts.erp import validate
from o2c.ingest.readers import read_extract

HEADER = DATASETS["invoices"].column_names


def _frame(*rows: str) -> pd.DataFrame:
    return pd.DataFrame([r.split(",") for r in rows], columns=HEADER, dtype=str)


GOOD = "INV-1,E1,C1,2026-01-01,2026-01-31,EUR,100.50,open,,false,true"


def test_good_rows_pass_with_their_text_intact():
    checked = validate("invoices", _frame(GOOD, GOOD.replace("INV-1", "INV-2")))
    assert checked.reasons.empty
    assert checked.good["amount"].tolist() == ["100.50", "100.50"]


def test_each_bad_row_gets_every_reason_at_once():
    checked = validate("invoices", _frame(
        GOOD,
        "INV-2,E1,C1,2026-01-01,2026-01-31,XYZ,-1,open,,false,true",
        "INV-3,E1,C1,2026-02-01,2026-01-31,EUR,10,opn,,maybe,true",
        "INV-4,E1,,2026-13-01,2026-12-31,EUR,1e5,open,,false,false",
    ))
    assert checked.good.index.tolist() == [0]
    assert checked.reasons.to_dict() == {
        1: "amount: greater_than(0); currency: isin(ISO 4217)",
        2: "due_date: on_or_after(issue_date); is_disputed: boolean; "
           "status: isin(open, paid, void)",
        3: "amount: decimal(19,4); customer_id: not_empty; issue_date: date(YYYY-MM-DD)",
    }


def test_optional_values_may_be_empty_but_required_ones_may_not():
    checked = validate("customers", pd.DataFrame([{
        "customer_id": "C1", "entity_id": "E1", "name": "Acme", "legal_name": "Acme GmbH",
        "country": "DE", "currency": "EUR", "locale": "de_DE", "payment_terms_days": "30",
        "credit_limit": "", "crm_id": "", "account_owner_email": "", "csm_email": "",
        "collector_email": "", "parent_customer_id": "", "payer_accounts": "",
        "created_date": "2024-01-01"}]))
    assert checked.reasons.to_dict() == {0: "credit_limit: not_empty"}


CUSTOMERS_BEFORE_CRM_SYSTEM = (
    "customer_id,entity_id,name,legal_name,country,currency,locale,payment_terms_days,"
    "credit_limit,crm_id,account_owner_email,csm_email,collector_email,parent_customer_id,"
    "payer_accounts,created_date\n"
    "C1,E1,Acme,Acme GmbH,DE,EUR,de_DE,30,1000,0015g0000001,,,,,,2024-01-01\n")


def test_a_customers_file_from_before_crm_system_still_loads_with_it_empty():
    frame = read_extract(CUSTOMERS_BEFORE_CRM_SYSTEM.encode(), "csv", DATASETS["customers"])
    assert frame["crm_system"].tolist() == [""]
    assert validate("customers", frame).reasons.empty
    newer = CUSTOMERS_BEFORE_CRM_SYSTEM.replace("created_date\n", "created_date,crm_system\n")
    newer = newer.replace("2024-01-01\n", "2024-01-01,hubspot\n")
    frame = read_extract(newer.encode(), "csv", DATASETS["customers"])
    assert frame["crm_system"].tolist() == ["hubspot"]
