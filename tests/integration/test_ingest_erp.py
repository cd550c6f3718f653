"""Loading ERP files: bad rows quarantined with exact reasons, files load once, bad headers
reject the whole file, corrected files become the next version."""

from o2c.adapters import warehouse
from o2c.adapters.landing import LocalLanding
from o2c.ingest.erp import load_file, pending

HEADER = ("invoice_id,entity_id,customer_id,issue_date,due_date,currency,amount,status,"
          "po_number,is_disputed,is_paperless")
INVOICES = "\n".join([
    HEADER,
    "INV-1,E1,C1,2026-01-01,2026-01-31,EUR,100.50,open,PO-9,false,true",
    "INV-2,E1,C1,2026-01-02,2026-02-01,EUR,-5.00,open,,false,true",       # negative amount
    "INV-3,E1,C2,2026-01-03,2026-02-02,EURO,75.00,paid,,false,false",     # bad currency
    "INV-4,E1,C2,2026-01-04,2026-02-03,JPY,1500,open,,false,false",
    "INV-5,E1,C3,2026-03-01,2026-02-01,USD,20.00,opn,,false,false",       # two wrongs
    "INV-6,E1,C3,2026-01-06,2026-02-05,USD,20.00,void,,true,false",
]) + "\n"


def _load_all(settings, landing):
    with warehouse.writer(settings) as con:
        files = pending(con, list(landing.list("erp/")))
        return [load_file(con, f, landing.read(f.key)) for f in files]


def _query(settings, sql):
    with warehouse.writer(settings) as con:
        return con.execute(sql).fetchall()


def test_bad_rows_are_quarantined_with_exact_reasons_and_good_rows_loaded(settings):
    landing = LocalLanding(settings.landing_url)
    landing.write("erp/invoices/invoices_2026-03-01.csv", INVOICES.encode())
    [outcome] = _load_all(settings, landing)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 3, 3)
    assert _query(settings, "select source_row, reason from raw.quarantine order by 1") == [
        (2, "amount: greater_than(0)"),
        (3, "currency: isin(ISO 4217)"),
        (5, "due_date: on_or_after(issue_date); status: isin(open, paid, void)"),
    ]
    assert _query(settings, "select invoice_id, source_row, cast(amount as varchar) "
                            "from raw.invoices order by 1") == [
        ("INV-1", 1, "100.5000"), ("INV-4", 4, "1500.0000"), ("INV-6", 6, "20.0000")]
    [(record,)] = _query(settings, "select record from raw.quarantine where source_row = 3")
    assert '"currency": "EURO"' in record  # the row as delivered, nothing lost


def test_a_redelivered_file_loads_once_even_under_another_name(settings):
    landing = LocalLanding(settings.landing_url)
    landing.write("erp/invoices/invoices_2026-03-01.csv", INVOICES.encode())
    _load_all(settings, landing)
    landing.write("erp/invoices/invoices_2026-03-01_resent.csv", INVOICES.encode())
    [outcome] = _load_all(settings, landing)
    assert outcome.status == "already_loaded"
    assert _load_all(settings, landing) == []  # unchanged files are not even re-read
    assert _query(settings, "select count(*) from raw.invoices") == [(3,)]
    assert _query(settings, "select count(*) from raw.quarantine") == [(3,)]


def test_a_corrected_file_is_the_next_version_of_its_path(settings):
    landing = LocalLanding(settings.landing_url)
    key = "erp/invoices/invoices_2026-03-01.csv"
    landing.write(key, INVOICES.encode())
    _load_all(settings, landing)
    landing.write(key, INVOICES.replace("-5.00", "5.00").encode())
    [outcome] = _load_all(settings, landing)
    assert (outcome.version, outcome.rows_loaded, outcome.rows_quarantined) == (2, 4, 2)
    assert _query(settings, "select version, load_seq, status from raw.file_ledger "
                            "order by load_seq") == [(1, 1, "loaded"), (2, 2, "loaded")]


def test_a_file_with_a_wrong_header_is_rejected_whole(settings):
    landing = LocalLanding(settings.landing_url)
    landing.write("erp/invoices/broken.csv",
                  INVOICES.replace("currency,amount", "ccy,amount").encode())
    [outcome] = _load_all(settings, landing)
    assert outcome.status == "rejected"
    assert outcome.error.startswith("erp/invoices/broken.csv: rejected, nothing loaded. "
                                    "header is missing column(s) currency")
    assert _query(settings, "select count(*) from raw.invoices") == [(0,)]
    assert _query(settings, "select status, error is not null from raw.file_ledger") == [
        ("rejected", True)]


def test_parquet_and_json_lines_load_like_csv(settings):
    import io

    import pandas as pd

    landing = LocalLanding(settings.landing_url)
    frame = pd.read_csv(io.StringIO(INVOICES), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    landing.write("erp/invoices/a.parquet", buffer.getvalue())
    landing.write("erp/invoices/b.jsonl",
                  frame.assign(invoice_id=frame.invoice_id + "J").to_json(
                      orient="records", lines=True).encode())
    outcomes = _load_all(settings, landing)
    assert [(o.rows_loaded, o.rows_quarantined) for o in outcomes] == [(3, 3), (3, 3)]


def test_a_float_money_column_in_parquet_is_rejected(settings):
    import io

    import pandas as pd

    landing = LocalLanding(settings.landing_url)
    frame = pd.read_csv(io.StringIO(INVOICES), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.assign(amount=1.1).to_parquet(buffer, index=False)
    landing.write("erp/invoices/a.parquet", buffer.getvalue())
    [outcome] = _load_all(settings, landing)
    assert outcome.status == "rejected" and "amount is a float" in outcome.error
