"""Loading bank files: whole or not at all, once each; one payment however often it is seen.

The published samples load (reconciling) or are rejected whole (not reconciling); a corrupted
copy of a reconciling file is rejected with the line and both figures and leaves no row behind.
The dbt bank layer is then built in-process over a warehouse where the same payments arrive
intraday and booked, as a notification and in a booked batch entry, and are returned.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dbt_runs import dbt_build, rows

from o2c.adapters import journal, warehouse
from o2c.adapters.landing import LocalLanding
from o2c.adapters.schema import all_ddl
from o2c.formats import BankTransaction
from o2c.formats.writers import make_statement, write_bai2, write_camt054, write_mt940
from o2c.ingest.bank import load_bank_file, pending

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "bank-samples"

# sample -> (format, statements, transactions)
RECONCILING = {
    "bai2/moov_sample1.txt": ("bai2", 2, 17),
    "bai2/moov_sample3.txt": ("bai2", 15, 26),
    "bai2/nwb_example.bai2": ("bai2", 1, 5),
    "bai2/svb_us_example.bai2": ("bai2", 2, 2),
    "camt/camt053.v2.multi.statement.xml": ("camt.053", 2, 2),
    "mt940/mbank_mt942.sta": ("mt942", 1, 3),
}
# sample -> the discrepancy its rejection names
NOT_RECONCILING = {
    "camt/camt053.v2.minimal.xml": "line 54: statement 253EURNL26VAYB8060476890: balance CLBD "
                                   "is in SEK, but the account is in EUR",
    "camt/camt053.v8.xml": "line 74: statement 253EURNL26VAYB8060476890: balance CLBD is in "
                           "SEK, but the account is in EUR",
    "camt/camt054.v8.xml": "line 63: entry ACSR160617103200001 (200,000.00 SEK): batch says 2 "
                           "transactions (NbOfTxs), but the entry holds 3 TxDtls",
    "mt940/jejik_abnamro.sta": "line 27: statement ABN AMRO BANK NV/19321/1: opening (:60F:) "
                               "3,236.28 + credits 0 - debits 321.44 = 2,914.84, but closing "
                               "(:62F:) says 876.84",
    "mt940/jejik_ing.sta": "line 26: statement MPBZ/000: opening (:60F:) 0.00 + credits 4.68 - "
                           "debits 50.27 = -45.59, but closing (:62F:) says 3.47",
}  # fmt: skip


def _land(settings, key: str, data: bytes) -> LocalLanding:
    landing = LocalLanding(settings.landing_url)
    landing.write(key, data)
    return landing


def _load_all(settings, landing=None):
    landing = landing or LocalLanding(settings.landing_url)
    with warehouse.writer(settings) as con:
        files = pending(con, list(landing.list("bank/")))
        return [load_bank_file(con, f, landing.read(f.key)) for f in files]


def _query(settings, sql, params=()):
    with warehouse.writer(settings) as con:
        return con.execute(sql, params).fetchall()


def _raw_counts(settings) -> tuple[int, int]:
    [(statements, transactions)] = _query(
        settings, "select (select count(*) from raw.bank_statements), "
                  "(select count(*) from raw.bank_transactions)")  # fmt: skip
    return statements, transactions


@pytest.mark.parametrize("name", sorted(RECONCILING))
def test_a_reconciling_sample_loads_with_its_counts(settings, name):
    kind, n_statements, n_transactions = RECONCILING[name]
    _land(settings, f"bank/{name}", (SAMPLES / name).read_bytes())
    [outcome] = _load_all(settings)
    assert (outcome.status, outcome.file_format, outcome.statements, outcome.transactions) == (
        "loaded", kind, n_statements, n_transactions)
    assert _raw_counts(settings) == (n_statements, n_transactions)
    assert _query(settings, "select dataset, file_format, status, rows_loaded "
                            "from raw.file_ledger") == [("bank", kind, "loaded", n_transactions)]
    # every record keeps its file and line, and its text as delivered
    [(missing,)] = _query(settings, "select count(*) from raw.bank_transactions where "
                                    "source_line < 1 or raw = '' or bank_txn_id is null")
    assert missing == 0


@pytest.mark.parametrize("name", sorted(NOT_RECONCILING))
def test_a_sample_that_does_not_reconcile_is_rejected_whole(settings, name):
    _land(settings, f"bank/{name}", (SAMPLES / name).read_bytes())
    [outcome] = _load_all(settings)
    assert outcome.status == "rejected"
    assert outcome.error == f"bank/{name}: rejected, nothing loaded. {NOT_RECONCILING[name]}"
    assert _raw_counts(settings) == (0, 0)
    assert _query(settings, "select status, error from raw.file_ledger") == [
        ("rejected", outcome.error)]
    assert _query(settings, "select outcome from raw.file_deliveries") == [("rejected",)]


MOOV = (SAMPLES / "bai2/moov_sample1.txt").read_bytes()
CAMT = (SAMPLES / "camt/camt053.v2.multi.statement.xml").read_bytes()


def _drop_line(data: bytes, index: int) -> bytes:
    lines = data.split(b"\n")
    del lines[index]
    return b"\n".join(lines)


@pytest.mark.parametrize(("corrupted", "message"), [
    (MOOV.replace(b"16,409,000000000002500,V,060316,,,,RETURNED",
                  b"16,409,000000000002600,V,060316,,,,RETURNED"),
     "line 16: account 10200123456 trailer 49 says total 834000, but the records sum to 834100"),
    (_drop_line(MOOV, 5),
     "line 15: account 10200123456 trailer 49 says total 834000, but the records sum to 744000"),
    # the second statement's failure comes after the first was staged: still nothing loads
    (MOOV.replace(b"98,+00000000001280000,2,25/", b"98,+00000000001280000,2,26/"),
     "line 26: group 1 trailer 98 says 26 records, but the file has 25"),
    (CAMT.replace(b'<Amt Ccy="EUR">7.00</Amt>', b'<Amt Ccy="EUR">7.10</Amt>'),
     "line 133: statement 254EURNL26VAYB8060476890: opening 27.00 + credits 0 - debits 7.10 = "
     "19.90, but closing balance (CLBD) says 20.00"),
], ids=["bai2-amount-changed", "bai2-line-dropped", "bai2-group-trailer", "camt-amount-changed"])
def test_a_corrupted_copy_of_a_reconciling_file_is_rejected_and_nothing_is_loaded(
        settings, corrupted, message):  # fmt: skip
    _land(settings, "bank/statement.txt", corrupted)
    [outcome] = _load_all(settings)
    assert outcome.status == "rejected"
    assert outcome.error.startswith("bank/statement.txt: rejected, nothing loaded. ")
    assert message in outcome.error
    assert _raw_counts(settings) == (0, 0)
    # the good file then loads: the rejection left nothing half-written behind
    _land(settings, "bank/statement.txt", MOOV)
    [again] = _load_all(settings)
    assert (again.status, again.version, again.transactions) == ("loaded", 2, 17)


def test_a_redelivered_file_loads_once_even_under_another_name(settings):
    landing = _land(settings, "bank/moov.txt", MOOV)
    _load_all(settings, landing)
    landing.write("bank/resent/moov_again.txt", MOOV)
    [outcome] = _load_all(settings, landing)
    assert outcome.status == "already_loaded"
    assert _load_all(settings, landing) == []  # unchanged files are not re-read
    assert _raw_counts(settings) == (2, 17)


def test_a_figure_beyond_the_warehouse_precision_rejects_the_file(settings):
    huge = Decimal("12345678901234567.00")  # BAI2 amounts have no length limit
    txn = BankTransaction(account="1", currency="USD", amount=huge, direction="credit",
                          value_date=date(2026, 3, 2), booking_date=date(2026, 3, 2))
    _land(settings, "bank/huge.bai2", _bai2([make_statement("1", "USD", "S1", date(2026, 3, 2),
                                                            Decimal(0), [txn])]))
    [outcome] = _load_all(settings)
    assert outcome.status == "rejected" and "does not fit the warehouse" in outcome.error
    assert _raw_counts(settings) == (0, 0)


# --- the dbt bank layer over observations of the same payments ---------------------------

IBAN = "DE89370400440532013000"
US_ACCOUNT = "0210123456"
D1, D2, D5 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 6)


def _txn(amount: str, direction: str = "credit", day: date = D1, account: str = IBAN,
         currency: str = "EUR", **fields) -> BankTransaction:  # fmt: skip
    return BankTransaction(account=account, currency=currency, amount=Decimal(amount),
                           direction=direction, value_date=day, booking_date=day, **fields)


P1 = _txn("100.00", bank_ref="R1", end_to_end_id="E2E-A", counterparty_name="Velea GmbH",
          counterparty_account="DE91569062132070261717", remittance="RE-2026-000001")
P2 = _txn("50.00", bank_ref="R2", counterparty_name="Kalido Corp", remittance="INV 2")
P3 = _txn("20.00", counterparty_name="Someone", remittance="RE 2026 000003")
FEE = _txn("7.50", "debit", bank_ref="F1", remittance="ACCOUNT FEES")
RETURN_P1 = _txn("100.00", "debit", D5, bank_ref="R9", end_to_end_id="E2E-A", reversal=True,
                 return_reason="AC04", counterparty_name="Velea GmbH",
                 remittance="RUECKUEBERWEISUNG RE-2026-000001 RTRN+AC04")
US_PAY = _txn("900.00", account=US_ACCOUNT, currency="USD", bank_ref="US100",
              remittance="INV-77")
US_NSF = _txn("900.00", "debit", D5, account=US_ACCOUNT, currency="USD", bank_ref="US200",
              end_to_end_id="US100", bank_code="555", remittance="RETURNED ITEM NSF")


def _mt(statements, kind="mt940") -> bytes:
    buffer = io.BytesIO()
    write_mt940(statements, buffer, kind=kind)
    return buffer.getvalue()


def _mt942(day: date, txns) -> bytes:
    from o2c.formats import Statement, StatementSummary

    s = make_statement(IBAN, "EUR", "I1", day, Decimal(0), txns).summary
    summary = StatementSummary("", "I1", IBAN, "EUR", day, None, None, s.n_credits,
                               s.sum_credits, s.n_debits, s.sum_debits, s.n_records, 0)
    return _mt([Statement(summary, tuple(txns))], "mt942")


GB_IBAN = "GB29NWBK60161331926819"
# a booked camt.053 batch entry of two transfers: TxDtls carry their own AcctSvcrRef
CAMT053_BATCH = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>ST-0302</Id><CreDtTm>2026-03-02T18:00:00</CreDtTm>
<Acct><Id><IBAN>{GB_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1350.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">350.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
<AcctSvcrRef>BATCH-77</AcctSvcrRef>
<NtryDtls><Btch><NbOfTxs>2</NbOfTxs><TtlAmt Ccy="EUR">350.00</TtlAmt>
<CdtDbtInd>CRDT</CdtDbtInd></Btch>
<TxDtls><Refs><AcctSvcrRef>N1</AcctSvcrRef><EndToEndId>E2E-N1</EndToEndId></Refs>
<Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>Thomas Logistique SAS</Nm></Pty></Dbtr></RltdPties>
<RmtInf><Ustrd>Facture SI-2026-000010</Ustrd></RmtInf></TxDtls>
<TxDtls><Refs><AcctSvcrRef>N2</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RmtInf><Ustrd>SI2026000011</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
""".encode()


def _camt054() -> bytes:
    n1 = _txn("300.00", account=GB_IBAN, bank_ref="N1", end_to_end_id="E2E-N1",
              counterparty_name="Thomas Logistique SAS", remittance="Facture SI-2026-000010")
    n2 = _txn("50.00", account=GB_IBAN, bank_ref="N2", remittance="SI2026000011")
    buffer = io.BytesIO()
    statement = make_statement(GB_IBAN, "EUR", "NTF-1", D1, Decimal(0), [n1, n2])
    write_camt054([statement], buffer, batch_size=1, created=datetime(2026, 3, 2, 11))
    return buffer.getvalue()


def _bai2(statements) -> bytes:
    buffer = io.BytesIO()
    write_bai2(statements, buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bank_layer(tmp_path_factory):
    """Loads, in order: intraday MT942 for D1; an application against its P1; the booked
    MT940 for D1..D5 (with P1's return); a camt.054 notification then the camt.053 batch
    entry booking it; BAI2 prior-day statements with an NSF return; then dbt build."""
    from o2c.settings import Settings

    work = tmp_path_factory.mktemp("bank_layer")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("O2C_HOME", str(work / "o2c"))
        for var in ("O2C_LANDING_URL", "O2C_DUCKDB_PATH", "O2C_S3_ENDPOINT_URL"):
            env.delenv(var, raising=False)
        settings = Settings()
        landing = LocalLanding(settings.landing_url)
        landing.write("bank/de/intraday/d1.mt942.sta", _mt942(D1, [P1, P2, P3]))
        loaded = _load_all(settings, landing)
        [(p1_id,)] = _query(settings, "select bank_txn_id from raw.bank_transactions "
                                      "where bank_ref = 'R1'")  # fmt: skip
        with warehouse.writer(settings) as con:
            journal.append(con, "cash_applications", pd.DataFrame([{
                "application_id": "A1", "bank_txn_id": p1_id, "invoice_id": "RE-2026-000001",
                "customer_id": "C1", "currency": "EUR", "cash_applied": Decimal("100"),
                "write_off": Decimal(0), "discount": Decimal(0), "status": "auto",
                "decided_by": "rule:exact", "decided_at": datetime(2026, 3, 2, 12)}]))
        day1 = make_statement(IBAN, "EUR", "B0302", D1, Decimal("1000.00"), [P1, P2, P3, FEE])
        day5 = make_statement(IBAN, "EUR", "B0306", D5, day1.summary.closing, [RETURN_P1])
        landing.write("bank/de/booked_week10.sta", _mt([day1, day5]))
        landing.write("bank/gb/notifications/d1.camt054.xml", _camt054())
        landing.write("bank/gb/booked_d1.camt053.xml", CAMT053_BATCH)
        us1 = make_statement(US_ACCOUNT, "USD", "U1", D1, Decimal("5000.00"), [US_PAY])
        us2 = make_statement(US_ACCOUNT, "USD", "U2", D2, us1.summary.closing, [])
        us5 = make_statement(US_ACCOUNT, "USD", "U5", D5, us2.summary.closing, [US_NSF])
        landing.write("bank/us/prior_day.bai2", _bai2([us1, us2, us5]))
        loaded += _load_all(settings, landing)
        # the same booked statement re-delivered in other bytes (one more trailing line)
        landing.write("bank/de/booked_week10_resent.sta", _mt([day1, day5]) + b"\r\n")
        loaded += _load_all(settings, landing)
        assert [o.status for o in loaded] == ["loaded"] * 6, [o.error for o in loaded]
        dbt_build(settings.warehouse_path, work, "2026-03-10",
                  "--select", "+fct_bank_transactions", "+fct_bank_balances_daily",
                  "--indirect-selection", "cautious")
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        yield con, p1_id
        con.close()


def test_intraday_then_booked_is_one_payment_and_the_intraday_is_retired(bank_layer):
    con, _ = bank_layer
    found = rows(con, f"select * from int_bank_transactions_deduplicated where account = '{IBAN}'"
                      " and value_date = '2026-03-02' and direction = 'credit'")
    by_id: dict[str, list[dict]] = {}
    for row in found:
        by_id.setdefault(row["bank_txn_id"], []).append(row)
    assert len(by_id) == 3  # P1, P2, P3: seen intraday, booked, and booked again
    for observations in by_id.values():
        current = [o for o in observations if not o["is_retired"]]
        assert len(current) == 1 and current[0]["observation_kind"] == "booked"
        assert {o["observation_kind"] for o in observations if o["is_retired"]} == {
            "intraday", "booked"}
        assert all(o["retired_by_observation_id"] == current[0]["observation_id"]
                   for o in observations if o["is_retired"])
    facts = rows(con, f"select * from fct_bank_transactions where account = '{IBAN}'")
    assert sorted(str(f["signed_amount"]) for f in facts) == [
        "-100.0000", "-7.5000", "100.0000", "20.0000", "50.0000"]
    assert {f["n_observations"] for f in facts if f["value_date"] == D1 and
            f["direction"] == "credit"} == {3}  # fmt: skip


def test_an_application_on_the_intraday_record_stays_with_the_booked_one(bank_layer):
    con, p1_id = bank_layer
    [p1] = rows(con, f"select * from fct_bank_transactions where bank_txn_id = '{p1_id}'")
    assert (p1["observation_kind"], p1["is_confirmed"], p1["n_applications"]) == (
        "booked", True, 1)
    assert p1["source_path"].startswith("bank/de/booked_week10")


def test_a_notification_and_the_booked_batch_entry_are_one_payment(bank_layer):
    con, _ = bank_layer
    facts = rows(con, f"select * from fct_bank_transactions where account = '{GB_IBAN}' "
                       "order by amount")
    assert [(str(f["amount"]), f["observation_kind"], f["n_observations"], f["bank_ref"])
            for f in facts] == [("50.0000", "booked", 2, "N2"),
                                ("300.0000", "booked", 2, "N1")]  # fmt: skip
    assert [f["identity_basis"] for f in facts] == ["bank_ref", "end_to_end_id"]


def test_returns_are_linked_to_the_payment_they_undo(bank_layer):
    con, p1_id = bank_layer
    links = {r["return_reason"]: r for r in rows(con, "select * from int_bank_returns_linked")}
    assert set(links) == {"AC04", "555"}
    assert (links["AC04"]["reverses_bank_txn_id"], links["AC04"]["link_rule"],
            links["AC04"]["days_after_original"]) == (p1_id, "end_to_end_id", 4)
    assert links["555"]["link_rule"] == "bank_ref"
    [us_pay] = rows(con, "select * from fct_bank_transactions where bank_ref = 'US100'")
    assert links["555"]["reverses_bank_txn_id"] == us_pay["bank_txn_id"]
    assert us_pay["is_returned"] and us_pay["returned_by_bank_txn_id"] == (
        links["555"]["bank_txn_id"])
    [p1] = rows(con, f"select * from fct_bank_transactions where bank_txn_id = '{p1_id}'")
    assert p1["is_returned"]


def test_daily_balances_come_from_booked_statements_once(bank_layer):
    con, _ = bank_layer
    got = {(r["account"], r["balance_date"]): (r["opening"], r["credits"], r["debits"],
                                                r["closing"], r["opens_at_previous_close"])
           for r in rows(con, "select * from fct_bank_balances_daily")}  # fmt: skip
    D = Decimal
    assert got == {
        (IBAN, D1): (D(1000), D(170), D("7.5"), D("1162.5"), True),
        (IBAN, D5): (D("1162.5"), D(0), D(100), D("1062.5"), True),
        (GB_IBAN, D1): (D(1000), D(350), D(0), D(1350), True),
        (US_ACCOUNT, D1): (D(5000), D(900), D(0), D(5900), True),
        (US_ACCOUNT, D2): (D(5900), D(0), D(0), D(5900), True),
        (US_ACCOUNT, D5): (D(5900), D(0), D(900), D(5000), True),
    }


def test_the_bank_layer_builds_on_an_empty_warehouse(tmp_path):
    db_path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(db_path))
    for statement in all_ddl():
        con.execute(statement)
    con.close()
    dbt_build(db_path, tmp_path, "2026-03-10", "--select", "+fct_bank_transactions",
              "+fct_bank_balances_daily", "--indirect-selection", "cautious")


def test_identity_is_stable_when_a_file_is_reparsed(settings):
    """The id of a record depends on the record, not on the file it came in."""
    _land(settings, "bank/a.sta", _mt([make_statement(IBAN, "EUR", "A", D1, Decimal(0), [P2])]))
    _land(settings, "bank/b.sta", _mt([make_statement(IBAN, "EUR", "B", D1, Decimal(5),
                                                      [FEE, replace(P2, remittance="x")])]))
    _load_all(settings)
    ids = _query(settings, "select source_file_id, bank_txn_id from raw.bank_transactions "
                           "where bank_ref = 'R2'")  # fmt: skip
    assert len({f for f, _ in ids}) == 2 and len({i for _, i in ids}) == 1
