"""The reminder flows on a hand-made AR layer: what is never reminded, idempotent drafting,
newer runs expiring older drafts, and a payment arriving while a draft waits for approval.
(The suspend-and-resume review itself needs a deployment: tests/e2e/test_approval_ui.py.)"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from o2c.adapters import journal, warehouse
from o2c.approval import Decision
from o2c.reminders import run
from o2c.reminders import store as rstore
from o2c.reminders.gate import NotReady
from o2c.settings import Settings

AS_OF = date(2026, 3, 16)  # a Monday
OWNER, CSM, COLLECTOR = "owner@kestrel.example", "csm@kestrel.example", "collect@kestrel.example"
NEVER_REMINDED = ("INV-PAID", "INV-CREDITED", "INV-VOID", "INV-DISPUTED", "INV-PROMISED")

FCT_INVOICES = """
create or replace table main.fct_invoices (
    invoice_id varchar, entity_id varchar, customer_id varchar, currency varchar,
    amount decimal(19,4), open_amount decimal(19,4), issue_date date, due_date date,
    erp_status varchar, is_void boolean, is_disputed boolean, has_open_dispute boolean,
    has_open_promise boolean, next_promised_date date, po_number varchar, as_of_date date)"""
DIM_CUSTOMERS = """
create or replace table main.dim_customers (
    customer_id varchar, entity_id varchar, entity_name varchar, name varchar, locale varchar,
    billing_emails varchar, escalation_emails varchar, do_not_dun_emails varchar,
    account_owner_email varchar, csm_email varchar, collector_email varchar)"""
ENTITIES = "create or replace table main.stg_erp__entities (entity_id varchar, name varchar, " \
           "country varchar)"


def invoice(invoice_id: str, customer_id: str, days_overdue: int, amount: str,
            open_amount: str | None = None, *, status: str = "open", disputed: bool = False,
            promised: date | None = None, as_of: date = AS_OF) -> tuple:
    due = as_of - timedelta(days=days_overdue)
    return (invoice_id, "DE01", customer_id, "EUR", amount,
            amount if open_amount is None else open_amount, due - timedelta(days=30), due,
            status, status == "void", disputed, disputed, promised is not None, promised,
            f"PO-{invoice_id[-3:]}", as_of)


def invoices(as_of: date = AS_OF) -> list[tuple]:
    return [
        invoice("INV-OPEN1", "C1", 20, "1000.00", as_of=as_of),
        invoice("INV-OPEN2", "C1", 18, "500.00", as_of=as_of),
        invoice("INV-PAID", "C1", 25, "300.00", "0", status="paid", as_of=as_of),
        invoice("INV-CREDITED", "C1", 25, "200.00", "0", as_of=as_of),  # credit memo: 0 open
        invoice("INV-VOID", "C1", 25, "150.00", "0", status="void", as_of=as_of),
        invoice("INV-DISPUTED", "C1", 25, "120.00", disputed=True, as_of=as_of),
        invoice("INV-PROMISED", "C1", 25, "110.00", promised=as_of + timedelta(days=5),
                as_of=as_of),
        invoice("INV-C2-001", "C2", 40, "2400.00", as_of=as_of),
        invoice("INV-C3-001", "C3", 17, "800.00", as_of=as_of),
    ]


CUSTOMERS = [
    ("C1", "DE01", "Kestrel GmbH", "Globex GmbH", "en_GB", "ap@globex.example", None, None,
     OWNER, CSM, COLLECTOR),
    ("C2", "DE01", "Kestrel GmbH", "Initech AG", "de_DE", "rechnung@initech.example",
     "cfo@initech.example", None, OWNER, CSM, COLLECTOR),
    ("C3", "DE01", "Kestrel GmbH", "Umbrella BV", "en_GB", "billing@umbrella.example", None,
     None, OWNER, None, COLLECTOR),
]


def write_ar_layer(settings, rows: list[tuple] | None = None) -> None:
    with warehouse.writer(settings) as con:
        con.execute(FCT_INVOICES)
        con.executemany("insert into main.fct_invoices values "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows or invoices())
        con.execute(DIM_CUSTOMERS)
        con.executemany("insert into main.dim_customers values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        CUSTOMERS)
        con.execute(ENTITIES)
        con.execute("insert into main.stg_erp__entities values ('DE01', 'Kestrel GmbH', 'DE')")


def pay(settings, invoice_id: str, open_amount: str = "0") -> None:
    """A payment arrives and the pipeline rebuilds the AR layer."""
    with warehouse.writer(settings) as con:
        con.execute("update main.fct_invoices set open_amount = ? where invoice_id = ?",
                    [open_amount, invoice_id])


pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def ar(settings, monkeypatch):
    monkeypatch.delenv("O2C_SENDGRID_API_KEY", raising=False)
    monkeypatch.delenv("O2C_OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("O2C_APPROVERS", "Ada Lovelace")
    write_ar_layer(settings)
    return Settings()


def _drafts(settings) -> dict[str, dict]:
    with warehouse.writer(settings) as con:
        rows = con.execute("select draft_id, customer_id, facts, subject, body from app.drafts"
                           ).fetchall()
        current = rstore.statuses(con)
    return {d: {"customer": c, "facts": json.loads(f), "text": f"{s}\n{b}", "status": current[d]}
            for d, c, f, s, b in rows}


def _decide(settings, draft_ids: dict[str, str]) -> list[str]:
    decisions = [Decision(d, what, None, "Ada Lovelace", None, None, datetime.now(UTC), "p1")
                 for d, what in draft_ids.items()]
    return run.record_and_enqueue(settings, decisions, "test-review-run")


def _by_customer(settings) -> dict[str, str]:
    return {v["customer"]: k for k, v in _drafts(settings).items() if v["status"] == "pending"}


def test_paid_credited_void_disputed_and_promised_invoices_never_appear_in_a_draft(ar):
    from flows.dunning import draft_reminders

    result = draft_reminders(as_of=AS_OF, review=False)
    drafts = _drafts(ar)
    assert result["drafted"] == 3 and sorted(d["customer"] for d in drafts.values()) == [
        "C1", "C2", "C3"]
    c1 = next(d for d in drafts.values() if d["customer"] == "C1")
    assert [i["invoice_id"] for i in c1["facts"]["invoices"]] == ["INV-OPEN1", "INV-OPEN2"]
    for d in drafts.values():
        for invoice_id in NEVER_REMINDED:
            assert invoice_id not in d["text"]
            assert invoice_id not in json.dumps(d["facts"])


def test_drafting_waits_for_the_days_data(ar):
    from flows.dunning import draft_reminders

    with pytest.raises(NotReady, match="AR layer is built for 2026-03-16, not 2026-03-17"):
        draft_reminders(as_of=AS_OF + timedelta(days=1), review=False)
    (Path(ar.landing_url) / "bank").mkdir()
    (Path(ar.landing_url) / "bank" / "statement.xml").write_text("<Document/>")
    with pytest.raises(NotReady, match=r"1 landed file\(s\) not loaded yet \(bank/statement"):
        draft_reminders(as_of=AS_OF, review=False)
    assert _drafts(ar) == {}


def test_drafting_again_stores_nothing_new(ar):
    from flows.dunning import draft_reminders

    first = draft_reminders(as_of=AS_OF, review=False)
    again = draft_reminders(as_of=AS_OF, review=False)
    assert (again["drafted"], again["unchanged"]) == (0, 3)
    assert sorted(again["draft_ids"]) == sorted(first["draft_ids"])
    with warehouse.writer(ar) as con:
        assert con.execute("select count(*) from app.drafts").fetchone() == (3,)
        assert journal.verify(con, "drafts").ok and journal.verify(con, "draft_events").ok


def test_a_newer_run_expires_the_older_pending_drafts(ar):
    from flows.dunning import draft_reminders

    first = draft_reminders(as_of=AS_OF, review=False)
    _decide(ar, {_by_customer(ar)["C3"]: "reject"})
    later = AS_OF + timedelta(days=14)
    write_ar_layer(ar, invoices(as_of=later))
    second = draft_reminders(as_of=later, review=False)
    drafts = _drafts(ar)
    older = set(first["draft_ids"])
    assert {d: drafts[d]["status"] for d in older} == {
        d: ("rejected" if drafts[d]["customer"] == "C3" else "expired") for d in older}
    assert {drafts[d]["status"] for d in second["draft_ids"]} == {"pending"}
    assert len(second["draft_ids"]) == 3 and not older & set(second["draft_ids"])


def test_a_payment_while_waiting_for_approval_sends_the_draft_back(ar):
    from flows.dunning import deliver_reminders, draft_reminders

    draft_reminders(as_of=AS_OF, review=False)
    waiting = _by_customer(ar)
    queued = _decide(ar, {waiting["C1"]: "approve", waiting["C2"]: "approve",
                          waiting["C3"]: "reject"})
    assert len(queued) == 2
    pay(ar, "INV-OPEN1")  # the customer paid while the drafts waited

    result = deliver_reminders(review_returned=False)

    assert result["delivered"]["sent"] == 1 and result["delivered"]["withdrawn"] == 1
    assert result["delivered"]["returned"] == [waiting["C1"]]
    sent = list((ar.outbox_dir).glob("*.eml"))
    assert len(sent) == 1 and "rechnung@initech.example" in sent[0].read_text()
    drafts = _drafts(ar)
    assert drafts[waiting["C1"]]["status"] == "returned"
    [redraft] = result["redrafted"]["draft_ids"]
    assert drafts[redraft]["status"] == "pending" and drafts[redraft]["customer"] == "C1"
    assert [i["invoice_id"] for i in drafts[redraft]["facts"]["invoices"]] == ["INV-OPEN2"]
    with warehouse.writer(ar) as con:
        [(detail,)] = con.execute("select reason from app.draft_events where draft_id = ? and "
                                  "status = 'returned'", [waiting["C1"]]).fetchall()
    assert "INV-OPEN1: now paid or credited" in detail

    again = deliver_reminders(review_returned=False)  # nothing left to send: nothing twice
    assert again["delivered"]["sent"] == 0 and len(list(ar.outbox_dir.glob("*.eml"))) == 1


def test_approved_message_carries_reply_to_bcc_and_threading(ar):
    from flows.dunning import deliver_reminders, draft_reminders

    draft_reminders(as_of=AS_OF, review=False)
    waiting = _by_customer(ar)
    decisions = [Decision(waiting["C1"], "approve", "Edited by hand.", "Ada Lovelace", None,
                          "shorter", datetime.now(UTC), "p1")]
    run.record_and_enqueue(ar, decisions, "r1")
    deliver_reminders(review_returned=False)
    [eml] = ar.outbox_dir.glob("*.eml")
    text = eml.read_text()
    assert "Reply-To: collect@kestrel.example" in text
    assert "Edited by hand." in text and "Message-ID: <MSG_" in text
    assert "Bcc" not in text  # reminder_1 is not a BCC stage by default
    with warehouse.writer(ar) as con:
        [(approver, edited, comment)] = con.execute(
            "select approver, edited_body, comment from app.approvals").fetchall()
    assert (approver, edited, comment) == ("Ada Lovelace", "Edited by hand.", "shorter")
