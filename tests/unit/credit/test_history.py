"""Reading a plain invoice list: column spellings, date and flag formats, errors to act on."""

from __future__ import annotations

from datetime import date

import pytest

from o2c.credit.history import HISTORY_COLUMNS, HistoryError, read_invoice_csv


def write(tmp_path, text):
    path = tmp_path / "invoices.csv"
    path.write_text(text)
    return path


def test_reads_the_canonical_columns_and_ignores_others(tmp_path):
    frame = read_invoice_csv(write(tmp_path, (
        "customer_id,invoice_id,issue_date,due_date,amount,settled_date,disputed,paperless,note\n"
        "C1,I1,2026-01-05,2026-02-04,\"1,200.50\",2026-02-10,no,yes,x\n"
        "C1,I2,2026-02-05,2026-03-07,99,,yes,,y\n")))
    assert list(frame.columns) == list(HISTORY_COLUMNS)
    assert frame["amount"].tolist() == [1200.5, 99.0]
    assert frame["settled_date"].tolist()[0] == date(2026, 2, 10)
    assert frame["settled_date"].isna().tolist() == [False, True]
    assert frame["is_disputed"].tolist() == [False, True]
    assert frame["is_paperless"].tolist()[0] is True and frame["is_paperless"].isna()[1]
    assert not frame["has_payment_detail"].any()


def test_reads_common_erp_spellings_us_dates_and_channel_words(tmp_path):
    frame = read_invoice_csv(write(tmp_path, (
        "countryCode,customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,"
        "SettledDate,PaperlessBill,DaysLate\n"
        "391,0379-NEVHP,611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,0\n"
        "391,0379-NEVHP,7900770,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,Electronic,6\n")))
    assert frame["issue_date"].tolist() == [date(2013, 1, 2), date(2013, 1, 26)]
    assert frame["is_disputed"].tolist() == [False, True]
    assert frame["is_paperless"].tolist() == [False, True]


def test_day_first_dates_are_recognised(tmp_path):
    frame = read_invoice_csv(write(tmp_path, (
        "customer_id,invoice_id,issue_date,due_date,amount,settled_date\n"
        "C1,I1,25/01/2026,24/02/2026,10,03/03/2026\n")))
    assert frame["due_date"].tolist() == [date(2026, 2, 24)]


@pytest.mark.parametrize("text, message", [
    ("customer_id,invoice_id,issue_date,amount,settled_date\nC1,I1,2026-01-01,10,\n",
     r"missing column\(s\) due_date"),
    ("customer_id,invoice_id,issue_date,due_date,amount,settled_date\n"
     "C1,I1,2026-01-01,2026-01-31,10,\nC1,I2,2026-01-02,soon,10,\n", "row 2, due_date"),
    ("customer_id,invoice_id,issue_date,due_date,amount,settled_date\n"
     "C1,I1,2026-01-01,2026-01-31,ten,\n", "row 1, amount"),
    ("customer_id,invoice_id,issue_date,due_date,amount,settled_date,disputed\n"
     "C1,I1,2026-01-01,2026-01-31,10,,maybe\n", "row 1, disputed"),
    ("customer_id,invoice_id,issue_date,due_date,amount,settled_date\n"
     "C1,I1,2026-01-01,2026-01-31,10,\nC1,I1,2026-01-01,2026-01-31,10,\n",
     "row 2, invoice_id"),
])
def test_errors_name_the_row_and_field(tmp_path, text, message):
    with pytest.raises(HistoryError, match=message):
        read_invoice_csv(write(tmp_path, text))
